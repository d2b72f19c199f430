// Ages combined with places ("a 15-year-old from Hartcliffe", "aged 14, living in Filton").
// An age alone, or a place alone, is not flagged.

enum AgeLocationDetector {
    static let turnedHash = WordHasher.hash("turned")
    /// "he's 16": the tokenizer reads "he" with an "'s" mark.
    static let pronouns = Set(["he", "she", "it"].map { WordHasher.hash($0) })

    /// If an age phrase starts at `i`, returns the index of its last token.
    static func agePhrase(_ ctx: ScanContext, _ i: Int) -> Int? {
        guard let t = ctx.token(i), !t.claimed else { return nil }
        if t.kind == .word, t.flags.contains(.aged), let n = ctx.token(i + 1), n.kind == .number, n.digits <= 2 { return i + 1 }
        if t.kind == .alnum, t.digits <= 2, t.letters == 2, ctx.lowerASCII(i).suffix(2) == [0x79, 0x6F] { return i }  // "15yo"
        guard t.kind == .number, t.digits <= 2 else { return nil }
        var j = i + 1
        if ctx.isPunct(j, 0x2D) { j += 1 }
        // "15 y/o"
        if let y = ctx.token(j), y.kind == .word, y.length == 1, ctx.s[y.start] | 0x20 == 0x79, ctx.isPunct(j + 1, 0x2F),
            let o = ctx.token(j + 2), o.kind == .word, o.length == 1, ctx.s[o.start] | 0x20 == 0x6F { return j + 2 }
        guard let w = ctx.token(j), w.flags.contains(.yearWord) else { return nil }
        if ctx.lowerASCII(j).last == 0x64 { return j }  // "...-old"
        if ctx.isPunct(j + 1, 0x2D) { j += 1 }
        if let o = ctx.token(j + 1), o.kind == .word, o.flags.contains(.old) { return j + 1 }
        return nil
    }

    /// A place phrase "from|in|of Capitalised [Capitalised]" starting within a few tokens of `i`.
    static func place(_ ctx: ScanContext, after i: Int) -> Int? {
        var k = i + 1
        let limit = min(ctx.tokens.count, i + 6)
        while k < limit {
            let t = ctx.tokens[k]
            if t.kind == .punct && t.scalar != 0x2C { return nil }
            if t.kind == .word && t.flags.contains(.ageLocPrep), let p = ctx.token(k + 1), p.kind == .word, p.isCapitalised, !p.claimed {
                let f = p.flags
                if f.contains(.nonIdentifying) || f.contains(.orgSuffix) { return nil }
                var end = k + 1
                if let q = ctx.token(k + 2), q.kind == .word, q.isCapitalised, !q.claimed, !q.flags.contains(.nonIdentifying) { end = k + 2 }
                return end
            }
            k += 1
        }
        return nil
    }

    /// ", 15, from Oldham" / "(15) from Oldham": a bare age between commas or brackets, then a place.
    static func bareAge(_ ctx: ScanContext, _ i: Int) -> Int? {
        // "YP is 13 and lives in Hengrove": a bare age after is/was/now/turned.
        if let t = ctx.token(i), t.kind == .number, t.digits <= 2, !t.claimed, (5...25).contains(Int(ctx.s[t.start..<t.end].reduce(0) { $0 * 10 + Int($1) - 48 })),
            let p = ctx.token(i - 1), p.kind == .word, p.flags.contains(.copula) || p.hash == turnedHash || p.isPossessive && Self.pronouns.contains(p.hash),
            !(ctx.token(i + 1).map { $0.isPunct(0x2F) || $0.isPunct(0x2E) || $0.kind == .word && ($0.flags.contains(.yearWord) || $0.flags.contains(.month)) } ?? false)
        {
            return i
        }
        guard let t = ctx.token(i), t.kind == .number, t.digits <= 2, !t.claimed else { return nil }
        // "girl, 13 and lives in Llanrumney": after a comma, "and" then the place.
        if ctx.isPunct(i - 1, 0x2C), let a = ctx.token(i + 1), a.kind == .word, a.flags.contains(.conjunction) { return i + 1 }
        // "Self-referral. 15, from Ballymena": at the start of a sentence, then a comma.
        guard ctx.isPunct(i - 1, 0x2C) || ctx.isPunct(i - 1, 0x28) || i == 0 || ctx.isPunct(i - 1, 0x2E),
            ctx.isPunct(i + 1, 0x2C) || ctx.isPunct(i + 1, 0x29)
        else { return nil }
        return i + 1
    }

    static func detect(_ ctx: inout ScanContext) {
        var i = 0
        while i < ctx.tokens.count {
            let t = ctx.tokens[i]
            guard t.digits > 0 || t.flags.contains(.aged) || t.flags.contains(.ageLocPrep) else {
                i += 1
                continue
            }
            if let ageEnd = agePhrase(ctx, i) ?? bareAge(ctx, i), let placeEnd = place(ctx, after: ageEnd) {
                ctx.claimTokens(i, placeEnd, .ageLocation, .context, 0.8)
                i = placeEnd + 1
                continue
            }
            // "from Hartcliffe, aged 15"
            if t.kind == .word, t.flags.contains(.ageLocPrep), let p = ctx.token(i + 1), p.kind == .word, p.isCapitalised, !p.claimed,
                !p.flags.contains(.nonIdentifying)
            {
                var k = i + 2
                if let q = ctx.token(k), q.kind == .word, q.isCapitalised { k += 1 }
                if ctx.isPunct(k, 0x2C) { k += 1 }
                if let ageEnd = agePhrase(ctx, k) {
                    ctx.claimTokens(i + 1, ageEnd, .ageLocation, .context, 0.75)
                    i = ageEnd + 1
                    continue
                }
            }
            i += 1
        }
    }
}
