// Street addresses: [Flat 3,] 12[a] Capitalised Words Suffix[, Town]; or "on Elm Street" with a
// strong suffix. A postcode after the town stays a separate POSTCODE span.

enum AddressDetector {
    /// A house number: 1–4 digits, optionally one letter ("12a").
    static func isHouseNumber(_ t: Token) -> Bool {
        if t.kind == .number { return t.digits <= 4 }
        return t.kind == .alnum && t.digits >= 1 && t.digits <= 4 && t.letters == 1 && t.length == t.digits + 1
    }

    /// Capitalised words from `i` ending in a street suffix; returns the suffix token index.
    static func streetName(_ ctx: ScanContext, from i: Int, strongOnly: Bool) -> Int? {
        var j = i
        var words = 0
        while let t = ctx.token(j), t.kind == .word, t.isCapitalised, !t.claimed, !t.newlineBefore || j == i, words < 5 {
            let f = t.flags
            if words > 0 && f.contains(strongOnly ? .strongStreetSuffix : .streetSuffix) {
                // A following suffix-like word ("Park Road") continues the name.
                if let n = ctx.token(j + 1), n.kind == .word, n.isCapitalised, !n.newlineBefore, n.flags.contains(.streetSuffix) {
                    j += 1
                    words += 1
                    continue
                }
                return j
            }
            if t.isPossessive { return nil }
            j += 1
            words += 1
        }
        return nil
    }

    /// Extends past ", Town" (1–2 capitalised words that are not identifiers of nothing).
    static func town(_ ctx: ScanContext, after j: Int) -> Int {
        guard ctx.isPunct(j + 1, 0x2C), let t = ctx.token(j + 2), t.kind == .word, t.isCapitalised, !t.claimed, !t.isAllCaps || t.length > 3 else { return j }
        let f = t.flags
        if f.contains(.nonIdentifying) || f.contains(.givenName) && !f.contains(.surname) { return j }
        var k = j + 2
        if let u = ctx.token(k + 1), u.kind == .word, u.isCapitalised, !u.claimed, !u.newlineBefore, !u.flags.contains(.nonIdentifying) { k += 1 }
        // Not when the "town" is the subject of what follows ("12 Elm Road, Tayo said …").
        if let after = ctx.token(k + 1), after.flags.contains(.personVerb) || after.flags.contains(.strongVerb) { return j }
        return k
    }

    static func detect(_ ctx: inout ScanContext) {
        var i = 0
        while i < ctx.tokens.count {
            let t = ctx.tokens[i]
            if t.claimed { i += 1; continue }
            var start = i
            var numberAt = i
            // "Flat 3, 12 Acacia Avenue" / "Flat 3 Harbour Court"
            if t.kind == .word && t.flags.contains(.flatWord) && t.isCapitalised, let n = ctx.token(i + 1), isHouseNumber(n) || (n.kind == .word && n.length == 1) {
                numberAt = i + 2
                if ctx.isPunct(numberAt, 0x2C) { numberAt += 1 }
                if let m = ctx.token(numberAt), !isHouseNumber(m) {
                    if let sfx = streetName(ctx, from: numberAt, strongOnly: false) {
                        let end = town(ctx, after: sfx)
                        ctx.claimTokens(i, end, .address, .context, 0.9)
                        i = end + 1
                        continue
                    }
                }
            }
            if let n = ctx.token(numberAt), isHouseNumber(n), !n.claimed, let sfx = streetName(ctx, from: numberAt + 1, strongOnly: false) {
                if numberAt == i { start = i }
                let end = town(ctx, after: sfx)
                ctx.claimTokens(start, end, .address, .context, 0.92)
                i = end + 1
                continue
            }
            // "lives on Elm Street": a preposition then a strong-suffix street name, no number.
            if t.kind == .word && t.flags.contains(.streetPrep), let sfx = streetName(ctx, from: i + 1, strongOnly: true) {
                let first = ctx.tokens[i + 1]
                let f = first.flags
                if !f.contains(.subjectWord) && !f.contains(.month) {
                    let end = town(ctx, after: sfx)
                    ctx.claimTokens(i + 1, end, .address, .context, 0.8)
                    i = end + 1
                    continue
                }
            }
            i += 1
        }
    }
}
