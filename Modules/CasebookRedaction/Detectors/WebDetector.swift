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
        spelledEmails(&ctx)
        k = 0
        while k + 2 < ctx.tokens.count {
            let t = ctx.tokens[k], dot = ctx.tokens[k + 1], u = ctx.tokens[k + 2]
            k += 1
            guard !t.claimed, t.kind != .punct, dot.isPunct(0x2E), !dot.spaceBefore, !u.spaceBefore, u.kind != .punct, !u.claimed else { continue }
            if let r = bareDomain(s, at: t.start) { ctx.claim(r, .url, .pattern, 0.9) }
        }
    }

    static let atHash = WordHasher.hash("at")
    static let dotHash = WordHasher.hash("dot")
    /// Separators spelled out inside a local part: "shaz underscore k", "jo dash lee", "kerrie dot pryce".
    static let localSeparatorHashes: Set<UInt64> = Set(["dot", "underscore", "dash", "hyphen"].map { WordHasher.hash($0) })

    /// Index after an "at" written out at `k` ("at", "(at)", "[at]"), else nil.
    static func spelled(_ ctx: ScanContext, _ k: Int, _ word: UInt64) -> Int? {
        guard let t = ctx.token(k), !t.claimed else { return nil }
        if t.kind == .word && t.hash == word { return k + 1 }
        if (t.isPunct(0x28) || t.isPunct(0x5B)), let w = ctx.token(k + 1), w.kind == .word, w.hash == word,
            let c = ctx.token(k + 2), c.isPunct(0x29) || c.isPunct(0x5D) { return k + 3 }
        return nil
    }

    /// Index after a dot at `k`: a glued ".", "dot", "(dot)" or "[dot]"; `spelledOut` tells which.
    static func dot(_ ctx: ScanContext, _ k: Int) -> (next: Int, spelledOut: Bool)? {
        guard let t = ctx.token(k) else { return nil }
        if t.isPunct(0x2E), !t.spaceBefore, let n = ctx.token(k + 1), !n.spaceBefore { return (k + 1, false) }
        return spelled(ctx, k, dotHash).map { ($0, true) }
    }

    /// "kerrie dot pryce at gmail dot com", "leah2010 (at) yahoo (dot) co (dot) uk": an address spelled
    /// out to get past filters. The domain must end in a known TLD and either start with a mail
    /// provider or use a written-out "dot"; the local part is one word (not a pronoun or common word)
    /// or several joined by dots.
    static func spelledEmails(_ ctx: inout ScanContext) {
        func part(_ k: Int) -> Bool {
            guard let t = ctx.token(k), !t.claimed else { return false }
            return t.kind == .word || t.kind == .alnum || t.kind == .number
        }
        var a = 1
        while a < ctx.tokens.count {
            guard let afterAt = spelled(ctx, a, atHash), part(a - 1) else { a += 1; continue }
            // Domain: label (dot label)+, ending in a TLD.
            var labels = [afterAt]
            var spelledDot = false
            var k = afterAt
            guard part(k) else { a += 1; continue }
            while let d = dot(ctx, k + 1), part(d.next), labels.count < 5 {
                spelledDot = spelledDot || d.spelledOut
                k = d.next
                labels.append(k)
            }
            let first = ctx.tokens[labels[0]], last = ctx.tokens[k]
            guard labels.count >= 2, tlds.contains(last.hash), first.flags.contains(.mailProvider) || spelledDot else { a += 1; continue }
            // Local part, leftwards over dots.
            var lo = a - 1
            var joined = false
            while true {
                if lo >= 2, ctx.tokens[lo - 1].kind == .word && localSeparatorHashes.contains(ctx.tokens[lo - 1].hash)
                    || ctx.tokens[lo - 1].isPunct(0x2E) && !ctx.tokens[lo - 1].spaceBefore && !ctx.tokens[lo].spaceBefore,
                    part(lo - 2) { lo -= 2; joined = true; continue }
                if lo >= 4, ctx.tokens[lo - 1].isPunct(0x29) || ctx.tokens[lo - 1].isPunct(0x5D), ctx.tokens[lo - 2].hash == dotHash,
                    ctx.tokens[lo - 3].isPunct(0x28) || ctx.tokens[lo - 3].isPunct(0x5B), part(lo - 4) { lo -= 4; joined = true; continue }
                break
            }
            let local = ctx.tokens[a - 1]
            if !joined && local.kind == .word && !local.flags.isDisjoint(with: [.nonIdentifying, .subjectWord, .relation]) { a += 1; continue }
            ctx.claim(ctx.tokens[lo].start..<last.end, .email, .pattern, 0.9)
            a = k + 1
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
