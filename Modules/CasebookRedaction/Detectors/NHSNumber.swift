// NHS numbers: 10 digits (often 3-3-4) whose last digit is the modulus-11 check digit.

public enum NHSNumber {
    /// True when `digits` (exactly 10 values 0...9) carry a valid modulus-11 check digit:
    /// weights 10…2 over the first nine, check = 11 − (sum mod 11), 11 → 0, 10 → invalid.
    public static func isValid(_ digits: [Int]) -> Bool {
        guard digits.count == 10, digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        var sum = 0
        for k in 0..<9 { sum += digits[k] * (10 - k) }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        return check != 10 && check == digits[9]
    }

    /// Convenience over a string of digits and separators ("943 476 5919").
    public static func isValid(_ text: String) -> Bool {
        let d = text.unicodeScalars.filter { isASCIIDigit($0.value) }.map { Int($0.value - 48) }
        let others = text.unicodeScalars.filter { !isASCIIDigit($0.value) && $0 != " " && $0 != "-" }
        return others.isEmpty && isValid(d)
    }

    /// Token-driven: only a number token of 3 or 10 digits not starting with 0 can start one.
    static func detect(_ ctx: inout ScanContext) {
        guard ctx.summary.has(.number) else { return }
        let s = ctx.s
        for k in ctx.tokens.indices {
            let t = ctx.tokens[k]
            guard t.kind == .number, !t.claimed, t.digits == 3 || t.digits == 10, s[t.start] != 0x30 else { continue }
            if t.start > 0 && (s[t.start - 1] == 0x2B || isASCIIAlnum(s[t.start - 1])) { continue }
            if let r = scan(s, from: t.start) { ctx.claim(r, .nhsNumber, .pattern, 0.97) }
        }
    }
}

extension NHSNumber {
    /// Allocation-free scan for "943 476 5919" / "943-476-5919" / "9434765919" at `start`, with the
    /// mod-11 check computed on the fly. Returns the range when it is a valid NHS number.
    static func scan(_ s: [UInt32], from start: Int) -> Range<Int>? {
        var j = start, count = 0, sum = 0, last = 0
        var groups = 0, groupLen = 0, shapeOK = true
        while j < s.count {
            let c = s[j]
            if isASCIIDigit(c) {
                let d = Int(c - 48)
                if count < 9 { sum += d * (10 - count) }
                last = d
                count += 1
                groupLen += 1
                j += 1
                if count > 10 { return nil }
            } else if (c == 0x20 || c == 0x2D) && groupLen > 0 && j + 1 < s.count && isASCIIDigit(s[j + 1]) {
                if groups >= 2 || groupLen != 3 { shapeOK = false }  // 3-3-4
                groups += 1
                groupLen = 0
                j += 1
            } else {
                break
            }
        }
        if j < s.count && isASCIIAlnum(s[j]) { return nil }
        guard count == 10 else { return nil }
        let shape = groups == 0 || (groups == 2 && shapeOK && groupLen == 4)
        guard shape else { return nil }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        return check != 10 && check == last ? start..<j : nil
    }
}
