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
                // "Green Lane Masjid", "Church Road Surgery": the street names an organisation.
                var k = j + 1
                while let n = ctx.token(k), n.kind == .word, n.isCapitalised, !n.newlineBefore, k - j <= 3 {
                    if n.flags.contains(.orgSuffix) { return nil }  // "Lumb Lane Halal Meats"
                    k += 1
                }
                return j
            }
            // "Cobbler's Wynd", "Saint Luke's Crescent": a possessive inside a street name.
            if t.isPossessive && !(ctx.token(j + 1).map { $0.kind == .word && $0.isCapitalised && !$0.newlineBefore } ?? false) { return nil }
            j += 1
            words += 1
        }
        return nil
    }

    /// Extends past ", Town" (1–2 capitalised words that are not identifiers of nothing), and past a
    /// further ", 18 Saint Luke's Crescent" (a building, then its street).
    static func town(_ ctx: ScanContext, after j: Int) -> Int {
        guard ctx.isPunct(j + 1, 0x2C) else { return j }
        if let n = ctx.token(j + 2), isHouseNumber(n), !n.claimed, let sfx = streetName(ctx, from: j + 3, strongOnly: false) {
            return town(ctx, after: sfx)
        }
        guard let t = ctx.token(j + 2), t.kind == .word, t.isCapitalised, !t.claimed, !t.isAllCaps || t.length > 3 else { return j }
        let f = t.flags
        let second = ctx.token(j + 3).map { $0.kind == .word && $0.isCapitalised && !$0.claimed && !$0.newlineBefore && !$0.flags.contains(.nonIdentifying) } ?? false
        // A given name is a town only as the first of two words ("Bradley Stowe").
        if f.contains(.nonIdentifying) || f.contains(.givenName) && !f.contains(.surname) && !f.contains(.place) && !second { return j }
        var k = j + 2
        if second { k += 1 }
        // Not when the "town" is the subject of what follows ("12 Elm Road, Tayo said …").
        if let after = ctx.token(k + 1), after.flags.contains(.personVerb) || after.flags.contains(.strongVerb) { return j }
        return k
    }

    /// A house name from `i` ("Rose Cottage", "The Old Forge": capitalised words ending in a house
    /// word) followed by ", <street with a suffix>"; returns the street's last token.
    static func houseName(_ ctx: ScanContext, from i: Int) -> Int? {
        var j = i
        while let t = ctx.token(j), t.kind == .word, t.isCapitalised, !t.claimed, j == i || !t.newlineBefore, j - i < 4 {
            if j > i && (t.flags.contains(.houseWord) || isHouseCompound(ctx, t)) {
                guard ctx.isPunct(j + 1, 0x2C), let sfx = streetName(ctx, from: j + 2, strongOnly: false) else { return nil }
                return sfx
            }
            j += 1
        }
        return nil
    }

    /// "Bakehouse", "Coachhouse", "Tollhouse": a word ending in "house" names a building.
    static func isHouseCompound(_ ctx: ScanContext, _ t: Token) -> Bool {
        guard t.length >= 8, !t.isPossessive else { return false }
        return ctx.endsWith(t, Self.houseTail)
    }
    static let houseTail = Array("house".unicodeScalars.map(\.value))
    static let gateTail = Array("gate".unicodeScalars.map(\.value))
    static let wayTail = Array("way".unicodeScalars.map(\.value))

    static let welshStreetWords = Set(["heol", "ffordd", "stryd", "lon", "lôn", "rhodfa", "cilgant"].map { WordHasher.hash($0) })
    static let welshArticles = Set(["y", "yr", "'r"].map { WordHasher.hash($0) })

    /// The rest of a Welsh street name: up to three capitalised words or articles ("y Felin"); returns the last word.
    static func welshStreet(_ ctx: ScanContext, from i: Int) -> Int? {
        var j = i
        var last: Int?
        while let t = ctx.token(j), t.kind == .word, !t.claimed, !t.newlineBefore, j - i < 4 {
            if t.isCapitalised { last = j } else if !Self.welshArticles.contains(t.hash) { break }
            j += 1
        }
        return last
    }

    /// "Walmgate", "Kingsway", "Broadway": a capitalised word ending in "gate" or "way", after a house number.
    static func isCompoundStreet(_ ctx: ScanContext, _ t: Token) -> Bool {
        guard t.kind == .word, t.isCapitalised, !t.claimed, !t.newlineBefore, t.length >= 7, !t.isPossessive else { return false }
        return ctx.endsWith(t, Self.gateTail) || ctx.endsWith(t, Self.wayTail)
    }

    /// 2–4 capitalised words ending in a building or street word ("Daisy Bank Caravan Site") ("Kielder House", "Marigold Court"); returns the last.
    static func building(_ ctx: ScanContext, from i: Int) -> Int? {
        var j = i
        while let t = ctx.token(j), t.kind == .word, t.isCapitalised, !t.claimed, j == i || !t.newlineBefore, j - i < 4 {
            if j > i && (t.flags.contains(.houseWord) || t.flags.contains(.streetSuffix) || isHouseCompound(ctx, t)) { return j }
            j += 1
        }
        return nil
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
            // "Flat 31, Kielder House": a flat in a named building.
            if numberAt == i + 2 || numberAt == i + 3, t.kind == .word, t.flags.contains(.flatWord), let end = building(ctx, from: numberAt) {
                ctx.claimTokens(i, end, .address, .context, 0.85)
                i = end + 1
                continue
            }
            // "27 Heol y Felin", "4 Ffordd Las": a Welsh street word comes first.
            if let n = ctx.token(numberAt), isHouseNumber(n), !n.claimed, let w = ctx.token(numberAt + 1), w.kind == .word, w.isCapitalised,
                Self.welshStreetWords.contains(w.hash), let last = welshStreet(ctx, from: numberAt + 2)
            {
                let end = town(ctx, after: last)
                ctx.claimTokens(numberAt, end, .address, .context, 0.85)
                i = end + 1
                continue
            }
            // "41 Walmgate", "12 Kingsway": one word that is itself a street.
            if let n = ctx.token(numberAt), isHouseNumber(n), !n.claimed, let w = ctx.token(numberAt + 1), isCompoundStreet(ctx, w),
                streetName(ctx, from: numberAt + 1, strongOnly: false) == nil
            {
                let end = town(ctx, after: numberAt + 1)
                ctx.claimTokens(numberAt, end, .address, .context, 0.85)
                i = end + 1
                continue
            }
            if let n = ctx.token(numberAt), isHouseNumber(n), !n.claimed, let sfx = streetName(ctx, from: numberAt + 1, strongOnly: false) {
                if numberAt == i { start = i }
                let end = town(ctx, after: sfx)
                ctx.claimTokens(start, end, .address, .context, 0.92)
                i = end + 1
                continue
            }
            // "Rose Cottage, Pennywell Lane", "The Old Forge, Church Hill, Winford": a house name, a
            // comma, then a street (the street is what makes it an address, not "Bleak House").
            if t.kind == .word && t.isCapitalised, let end = houseName(ctx, from: i) {
                let last = town(ctx, after: end)
                ctx.claimTokens(i, last, .address, .context, 0.85)
                i = last + 1
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
