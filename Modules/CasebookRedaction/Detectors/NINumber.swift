// National Insurance numbers: two prefix letters, six digits, an optional suffix A–D.

public enum NINumber {
    static let badFirst: Set<UInt32> = Set("DFIQUV".unicodeScalars.map(\.value))
    static let badSecond: Set<UInt32> = Set("DFIQUVO".unicodeScalars.map(\.value))
    static let badPrefixes: Set<String> = ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"]

    /// True when the two upper-case letters form a prefix HMRC allocates.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        let u = Array(prefix.unicodeScalars.map(\.value))
        guard u.count == 2, u.allSatisfy(isASCIIUpper) else { return false }
        return !badFirst.contains(u[0]) && !badSecond.contains(u[1]) && !badPrefixes.contains(prefix)
    }

    /// True for "AB123456C", "AB 12 34 56 C", "AB123456" with a valid prefix.
    public static func isValid(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars.map(\.value))
        guard let r = match(s, at: 0) else { return false }
        return r.upperBound == s.count
    }

    static func match(_ s: [UInt32], at i: Int) -> Range<Int>? {
        guard i + 8 <= s.count, isASCIILetter(s[i]), isASCIILetter(s[i + 1]) else { return nil }
        let upper = isASCIIUpper(s[i])
        guard isASCIIUpper(s[i + 1]) == upper else { return nil }
        let a = upper ? s[i] : s[i] - 32, b = upper ? s[i + 1] : s[i + 1] - 32
        guard !badFirst.contains(a), !badSecond.contains(b) else { return nil }
        let prefix = String(decoding: [UInt8(a), UInt8(b)], as: UTF8.self)
        guard !badPrefixes.contains(prefix) else { return nil }
        var j = i + 2
        var count = 0
        while j < s.count && count < 6 {
            if isASCIIDigit(s[j]) {
                count += 1
                j += 1
            } else if s[j] == 0x20 && (count % 2 == 0) && j + 1 < s.count && isASCIIDigit(s[j + 1]) {
                j += 1
            } else {
                break
            }
        }
        guard count == 6 else { return nil }
        var end = j
        // Optional suffix A–D, possibly after one space, not followed by a letter or digit.
        var k = j
        if k < s.count && s[k] == 0x20 { k += 1 }
        if k < s.count {
            let c = upper ? s[k] : (isASCIILower(s[k]) ? s[k] - 32 : 0)
            if c >= 0x41 && c <= 0x44 && (k + 1 >= s.count || !isASCIIAlnum(s[k + 1])) && isASCIIUpper(s[k]) == upper {
                end = k + 1
            }
        }
        if end == j && j < s.count && isASCIIAlnum(s[j]) { return nil }
        return i..<end
    }

    static func detect(_ ctx: inout ScanContext) {
        guard ctx.summary.hasDigits else { return }
        for t in ctx.tokens.indices {
            let tok = ctx.tokens[t]
            guard !tok.claimed, tok.kind == .word || tok.kind == .alnum, tok.letters >= 2 || tok.length == 2 else { continue }
            guard (tok.kind == .alnum && (tok.length == 8 || tok.length == 9) && tok.digits == 6)
                || (tok.length == 2 && tok.kind == .word && ctx.token(t + 1)?.kind == .number) else { continue }
            if let r = match(ctx.s, at: tok.start) { ctx.claim(r, .niNumber, .pattern, 0.97) }
        }
    }
}
