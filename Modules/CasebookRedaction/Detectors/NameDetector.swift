// People's names: known identifiers first, then the gazetteer, then context cues (titles,
// relation words, person verbs, capitalisation in mid-sentence, adjacency to other names).

enum NameDetector {
    static let strongVerbs: Set<UInt64> = Set(
        ("said says told tells texted texts messaged rang phoned called emailed mentioned reported explained asked "
            + "admitted shared disclosed described shouted threatened cried replied wrote posted insisted complained")
            .split(separator: " ").map { WordHasher.hash(String($0)) })
    static let dateCues: Set<UInt64> = Set(
        "in of since until till by last next early late mid end this from before after during".split(separator: " ").map { WordHasher.hash(String($0)) })

    enum Verdict { case no, yes(DetectionSource, Double) }

    static func detect(_ ctx: inout ScanContext, known: KnownIndex) {
        let n = ctx.tokens.count
        var isName = [Bool](repeating: false, count: n)
        var source = [DetectionSource](repeating: .gazetteer, count: n)
        var conf = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if case .yes(let src, let c) = verdict(ctx, i, known: known) {
                isName[i] = true
                source[i] = src
                conf[i] = c
            }
        }
        // Adjacency: a capitalised word (or a listed surname, any case) next to a name is part of it.
        var changed = true
        var rounds = 0
        while changed && rounds < 3 {
            changed = false
            rounds += 1
            for i in 0..<n where !isName[i] && canJoin(ctx, i) {
                let leftName = i > 0 && isName[i - 1] && adjacent(ctx, i - 1, i)
                let rightName = i + 1 < n && isName[i + 1] && adjacent(ctx, i, i + 1)
                guard leftName || rightName else { continue }
                let t = ctx.tokens[i]
                let f = ctx.lex[t.hash]
                let ok: Bool
                if leftName {
                    ok = t.isCapitalised ? !f.contains(.personVerb) || f.contains(.surname) : f.contains(.surname) && !ctx.tokens[i - 1].isCapitalised
                } else {
                    // Left of a name: a capitalised unknown word or given name, not sentence-initial filler.
                    ok = t.isCapitalised && (f.isEmpty || f.contains(.givenName) || f.contains(.surname))
                        && !ctx.tokens[i + 1].isPossessive == true && !(ctx.lex[ctx.tokens[i + 1].hash].contains(.givenName) && !ctx.lex[ctx.tokens[i + 1].hash].contains(.surname) && f.isEmpty && ctx.isSentenceStart(i))
                }
                if ok {
                    isName[i] = true
                    source[i] = .context
                    conf[i] = 0.8
                    changed = true
                }
            }
        }
        // Group runs of name tokens into spans, pulling in a title before them.
        var i = 0
        while i < n {
            guard isName[i] else { i += 1; continue }
            var j = i
            var best = conf[i]
            var src = source[i]
            while j + 1 < n && isName[j + 1] && adjacent(ctx, j, j + 1) && !ctx.tokens[j].isPossessive {
                j += 1
                if conf[j] > best { best = conf[j]; src = source[j] }
            }
            var start = i
            if i >= 1, isTitle(ctx, i - 1) { start = i - 1 }
            else if i >= 2, ctx.isPunct(i - 1, 0x2E), isTitle(ctx, i - 2), adjacent(ctx, i - 2, i - 1) { start = i - 2 }
            ctx.claimTokens(start, j, .name, src, best)
            i = j + 1
        }
    }

    static func isTitle(_ ctx: ScanContext, _ i: Int) -> Bool {
        guard let t = ctx.token(i), t.kind == .word, t.isCapitalised, !t.claimed else { return false }
        return ctx.lex[t.hash].contains(.title)
    }

    /// Two tokens separated only by spaces on one line (or a hyphen inside a double-barrelled name).
    static func adjacent(_ ctx: ScanContext, _ a: Int, _ b: Int) -> Bool {
        let t = ctx.tokens[b]
        return !t.newlineBefore && t.start - ctx.tokens[a].fullEnd <= 1
    }

    static func canJoin(_ ctx: ScanContext, _ i: Int) -> Bool {
        let t = ctx.tokens[i]
        guard t.kind == .word, !t.claimed, !t.isAllCaps || t.length <= 1, t.letters >= 2 else { return false }
        let f = ctx.lex[t.hash]
        if f.contains(.nonIdentifying) && !f.contains(.surname) { return false }
        if f.contains(.title) || f.contains(.orgSuffix) || f.contains(.month) || f.contains(.streetSuffix) && !f.contains(.surname) { return false }
        return true
    }

    static func verdict(_ ctx: ScanContext, _ i: Int, known: KnownIndex) -> Verdict {
        let t = ctx.tokens[i]
        guard t.kind == .word, !t.claimed, t.letters >= 2 else { return .no }
        let f = ctx.lex[t.hash]
        let cap = t.isCapitalised
        if t.isAllCaps && t.length > 1 && !known.nameParts.contains(t.hash) && !(f.contains(.givenName) && t.length >= 4 && !f.contains(.nonIdentifying)) { return .no }
        let start = ctx.isSentenceStart(i)
        let prevFlags = ctx.flags(i - 1)
        let next = ctx.token(i + 1)
        let nextFlags = ctx.flags(i + 1)
        let nextIsStrongVerb = next.map { $0.kind == .word && strongVerbs.contains($0.hash) && !$0.newlineBefore } ?? false
        let nextIsPersonVerb = nextIsStrongVerb || (nextFlags.contains(.personVerb) && !(next?.isCapitalised ?? true))
        let commonWord = f.contains(.nonIdentifying) || f.contains(.ambiguousName) || f.contains(.personVerb)
            || f.contains(.subjectWord) || f.contains(.month) || f.contains(.title) || f.contains(.relation)
        let afterTitle = i > 0 && isTitle(ctx, i - 1) || i > 1 && ctx.isPunct(i - 1, 0x2E) && isTitle(ctx, i - 2)
        let afterRelation = prevFlags.contains(.relation) && !ctx.tokens[i - 1].claimed
            || (ctx.isPunct(i - 1, 0x2C) && ctx.flags(i - 2).contains(.relation))

        // 1. Known identifiers from the vault.
        if known.nameParts.contains(t.hash) {
            if !commonWord { return .yes(.knownIdentifier, 0.99) }
            if cap && (!start || nextIsPersonVerb || afterTitle) { return .yes(.knownIdentifier, 0.95) }
        }
        // 2. Titles: "Mr Okafor", "Dr. Lee".
        if afterTitle && cap && !f.contains(.nonIdentifying) { return .yes(.context, 0.95) }
        if afterTitle && cap && (f.contains(.surname) || f.contains(.givenName)) { return .yes(.context, 0.9) }
        // 3. Ambiguous names: only capitalised and with context.
        if f.contains(.ambiguousName) {
            guard cap, !t.isAllCaps else { return .no }
            if afterRelation { return .yes(.context, 0.85) }
            if f.contains(.month) {
                let prevIsCue = i > 0 && ctx.tokens[i - 1].kind == .word && dateCues.contains(ctx.tokens[i - 1].hash)
                let nearNumber = (ctx.token(i - 1)?.digits ?? 0) > 0 || (next?.digits ?? 0) > 0
                if prevIsCue || nearNumber { return .no }
                return nextIsPersonVerb ? .yes(.context, 0.8) : .no
            }
            if nextIsPersonVerb { return .yes(.context, 0.85) }
            if let nx = next, nx.kind == .word, nx.isCapitalised, !nx.newlineBefore, nextFlags.contains(.surname), !nextFlags.contains(.nonIdentifying) {
                return .yes(.context, 0.8)
            }
            if !start && !f.contains(.nonIdentifying) { return .yes(.gazetteer, 0.7) }
            if !start && f.contains(.nonIdentifying) && !prevFlags.contains(.nonIdentifying) && !(ctx.token(i - 1)?.kind == .punct) {
                // "with Will", "told June": a mid-sentence capital on a modal/month-like name.
                return (prevFlags.isEmpty && ctx.token(i - 1)?.kind == .word) ? .no : .yes(.gazetteer, 0.6)
            }
            return .no
        }
        if f.contains(.nonIdentifying) || f.contains(.subjectWord) && !f.contains(.givenName) { return .no }
        // 4. Relation words: "my brother Tayo", "her friend, Kezia".
        if afterRelation && cap && !f.contains(.personVerb) { return .yes(.context, 0.85) }
        // 5. Given names from the gazetteer.
        if f.contains(.givenName) {
            if cap { return .yes(.gazetteer, 0.9) }
            if t.letters >= 3 && !f.contains(.personVerb) && !f.contains(.relation) { return .yes(.gazetteer, 0.7) }
            return .no
        }
        // 6. Surnames alone: capitalised, not a word, not a place after a preposition.
        if f.contains(.surname) {
            guard cap else { return .no }
            if f.contains(.ambiguousSurname) { return nextIsStrongVerb && !start ? .yes(.context, 0.6) : .no }
            if prevFlags.contains(.placePreposition) { return .no }
            return .yes(.gazetteer, 0.8)
        }
        // 7. Unknown capitalised words followed by a speech verb, or "called X".
        if cap && f.isEmpty && !t.isAllCaps {
            if nextIsStrongVerb { return .yes(.context, 0.75) }
        }
        return .no
    }
}
