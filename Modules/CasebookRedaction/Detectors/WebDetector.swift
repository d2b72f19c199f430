// Emails, URLs and social handles: scanners over raw scalars (they cross token boundaries).

enum WebDetector {
    static let tlds: Set<UInt64> = Set(
        "com org net uk co io me info biz gov ac edu tv app dev ly gg online site xyz eu ie de fr nhs sch police scot wales cymru london live blog page link"
            .split(separator: " ").map { WordHasher.hash(String($0)) })

    @inline(__always) static func isLocalChar(_ c: UInt32) -> Bool {
        isASCIIAlnum(c) || c == 0x2E || c == 0x5F || c == 0x25 || c == 0x2B || c == 0x2D
    }
    @inline(__always) static func isDomainChar(_ c: UInt32) -> Bool { isASCIIAlnum(c) || c == 0x2D || c == 0x2E }
    @inline(__always) static func isURLChar(_ c: UInt32) -> Bool {
        !isWhitespace(c) && c != 0x3C && c != 0x3E && c != 0x22 && c != 0x5B && c != 0x5D && c > 0x20
    }
    @inline(__always) static func isTrailingPunct(_ c: UInt32) -> Bool {
        c == 0x2E || c == 0x2C || c == 0x3B || c == 0x3A || c == 0x21 || c == 0x3F || c == 0x29 || c == 0x27 || c == 0x22 || c == 0x2019
    }

    /// Driven by tokens: only an "@" token, an "http"/"https"/"www" word, or a word glued to a "."
    /// can start one of these, so most of the text is never rescanned.
    static func detect(_ ctx: inout ScanContext) {
        let s = ctx.s
        var k = 0
        while k < ctx.tokens.count {
            let t = ctx.tokens[k]
            k += 1
            if t.claimed { continue }
            if t.kind == .punct && t.scalar == 0x40 {  // '@'
                if let r = email(s, at: t.start) {
                    ctx.claim(r, .email, .pattern, 0.99)
                } else if let r = handle(s, at: t.start) {
                    ctx.claim(r, .handle, .pattern, 0.9)
                }
            } else if t.flags.contains(.urlStart), let r = schemeURL(s, at: t.start) {
                ctx.claim(r, .url, .pattern, 0.99)
            }
        }
        k = 0
        while k + 2 < ctx.tokens.count {
            let t = ctx.tokens[k], dot = ctx.tokens[k + 1], u = ctx.tokens[k + 2]
            k += 1
            guard !t.claimed, t.kind != .punct, dot.isPunct(0x2E), !dot.spaceBefore, !u.spaceBefore, u.kind != .punct, !u.claimed else { continue }
            if let r = bareDomain(s, at: t.start) { ctx.claim(r, .url, .pattern, 0.9) }
        }
    }

    static func email(_ s: [UInt32], at a: Int) -> Range<Int>? {
        var lo = a
        while lo > 0 && isLocalChar(s[lo - 1]) { lo -= 1 }
        while lo < a && !isASCIIAlnum(s[lo]) { lo += 1 }
        guard lo < a else { return nil }
        var hi = a + 1
        while hi < s.count && isDomainChar(s[hi]) { hi += 1 }
        while hi > a + 1 && (s[hi - 1] == 0x2E || s[hi - 1] == 0x2D) { hi -= 1 }
        guard hi > a + 1, let lastDot = (a + 1..<hi).last(where: { s[$0] == 0x2E }), lastDot > a + 1 else { return nil }
        let tld = s[(lastDot + 1)..<hi]
        guard tld.count >= 2, tld.allSatisfy(isASCIILetter) else { return nil }
        return lo..<hi
    }

    static func handle(_ s: [UInt32], at a: Int) -> Range<Int>? {
        if a > 0 && (isASCIIAlnum(s[a - 1]) || s[a - 1] == 0x40) { return nil }
        var hi = a + 1
        var letters = 0
        while hi < s.count && (isASCIIAlnum(s[hi]) || s[hi] == 0x5F || s[hi] == 0x2E) {
            if isASCIILetter(s[hi]) { letters += 1 }
            hi += 1
        }
        while hi > a + 1 && s[hi - 1] == 0x2E { hi -= 1 }
        guard hi - a >= 3, hi - a <= 31, letters > 0 else { return nil }
        return a..<hi
    }

    private static func hasPrefix(_ s: [UInt32], _ i: Int, _ p: String) -> Bool {
        var k = i
        for u in p.unicodeScalars {
            guard k < s.count, lowerScalar(s[k]) == u.value else { return false }
            k += 1
        }
        return true
    }

    static func schemeURL(_ s: [UInt32], at i: Int) -> Range<Int>? {
        let start: Int
        if hasPrefix(s, i, "https://") { start = i + 8 }
        else if hasPrefix(s, i, "http://") { start = i + 7 }
        else if hasPrefix(s, i, "www.") { start = i + 4 }
        else { return nil }
        var hi = start
        while hi < s.count && isURLChar(s[hi]) { hi += 1 }
        while hi > start && isTrailingPunct(s[hi - 1]) { hi -= 1 }
        guard hi > start + 2 else { return nil }
        return i..<hi
    }

    /// "example.co.uk/page", "justgiving.com/x": a run of word.word… ending in a known TLD.
    static func bareDomain(_ s: [UInt32], at i: Int) -> Range<Int>? {
        let n = s.count
        if i > 0 && (isASCIIAlnum(s[i - 1]) || s[i - 1] == 0x2E || s[i - 1] == 0x40 || s[i - 1] == 0x2F || s[i - 1] == 0x2D) { return nil }
        var hi = i
        var labels: [Range<Int>] = []
        var labelStart = i
        while hi < n && isDomainChar(s[hi]) {
            if s[hi] == 0x2E {
                labels.append(labelStart..<hi)
                labelStart = hi + 1
            }
            hi += 1
        }
        if labelStart < hi { labels.append(labelStart..<hi) }
        guard labels.count >= 2, labels[0].count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { return nil }
        let last = labels[labels.count - 1]
        guard last.count >= 2, tlds.contains(WordHasher.hash(s[last])) else { return nil }
        var end = last.upperBound
        if end < n && s[end] == 0x2F {  // path
            while end < n && isURLChar(s[end]) { end += 1 }
            while end > last.upperBound && isTrailingPunct(s[end - 1]) { end -= 1 }
        }
        return i..<end
    }
}
