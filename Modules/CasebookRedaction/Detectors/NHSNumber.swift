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
        let s = ctx.s
        for k in ctx.tokens.indices {
            let t = ctx.tokens[k]
            guard t.kind == .number, !t.claimed, t.digits == 3 || t.digits == 10, s[t.start] != 0x30 else { continue }
            if t.start > 0 && (s[t.start - 1] == 0x2B || isASCIIAlnum(s[t.start - 1])) { continue }
            if let (r, digits) = DigitRun.read(s, from: t.start, maxDigits: 10, groups: [[3, 3, 4], [10]]), isValid(digits) {
                ctx.claim(r, .nhsNumber, .pattern, 0.97)
            }
        }
    }
}

/// Reads digit groups separated by one space or hyphen, in one of the allowed group shapes.
enum DigitRun {
    static func read(_ s: [UInt32], from start: Int, maxDigits: Int, groups shapes: [[Int]]) -> (Range<Int>, [Int])? {
        var digits: [Int] = []
        var groups: [Int] = []
        var j = start
        var current = 0
        while j < s.count {
            let c = s[j]
            if isASCIIDigit(c) {
                digits.append(Int(c - 48))
                current += 1
                j += 1
                if digits.count > maxDigits { return nil }
            } else if (c == 0x20 || c == 0x2D) && current > 0 && j + 1 < s.count && isASCIIDigit(s[j + 1]) {
                groups.append(current)
                current = 0
                j += 1
            } else {
                break
            }
        }
        if current > 0 { groups.append(current) }
        if j < s.count && (isASCIIAlnum(s[j])) { return nil }
        guard digits.count == maxDigits, shapes.contains(groups) else { return nil }
        return (start..<j, digits)
    }
}
