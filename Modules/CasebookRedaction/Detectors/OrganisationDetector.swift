// Organisations that identify someone: capitalised names ending in a school/health/faith/club
// word ("St Mary's Primary", "Oakfield Academy", "Bristol Royal Infirmary"), and "University of X".

enum OrganisationDetector {
    static func detect(_ ctx: inout ScanContext) {
        var i = 0
        while i < ctx.tokens.count {
            let t = ctx.tokens[i]
            guard !t.claimed, t.kind == .word, t.isCapitalised else { i += 1; continue }
            if t.flags.contains(.welshOrgLead) {  // "Ysgol Bro Taf", "Capel Bethel", "Canolfan Soar"
                var j = i
                while let u = ctx.token(j + 1), u.kind == .word, u.isCapitalised, !u.claimed, !u.newlineBefore, j - i < 3 { j += 1 }
                if j > i {
                    ctx.claimTokens(i, j, .organisation, .context, 0.85)
                    i = j + 1
                    continue
                }
            }
            // Collect a run of capitalised words (and connectors between them) on one line.
            var j = i
            var lastSuffix = -1
            var distinctive = 0
            var distinctiveAtSuffix = 0  // only words up to the suffix make its name distinctive
            while let u = ctx.token(j), !u.claimed, j == i || !u.newlineBefore {
                if u.kind == .word && u.isCapitalised {
                    let f = u.flags
                    if f.contains(.title) && !u.flags.contains(.saint) { break }
                    if f.contains(.orgSuffix) {
                        if lastSuffix >= 0 { distinctive += 1 }  // "High School", "Primary School": org-shaped
                        lastSuffix = j
                        distinctiveAtSuffix = distinctive
                    } else if !f.contains(.nonIdentifying) || f.contains(.saint) || f.contains(.ambiguousName) {
                        // A made-up, place or name word ("Oakfield", "Bristol", "Mary's") counts double:
                        // "Code Club" is generic, "Little Acorns Nursery" is not.
                        distinctive += f.contains(.saint) || f.contains(.englishWord) && !f.contains(.place) && !f.contains(.givenName) ? 1 : 2
                    }
                    if u.isPossessive && !f.contains(.orgSuffix) && !(ctx.token(j + 1).map { $0.isCapitalised } ?? false) { break }
                    j += 1
                } else if u.kind == .punct && u.scalar == 0x2E && j > i && ctx.tokens[j - 1].flags.contains(.saint) {
                    j += 1  // "St. Mary's"
                } else if (u.kind == .word && u.flags.contains(.connector) || u.kind == .punct && u.scalar == 0x26),
                    let v = ctx.token(j + 1), v.kind == .word, v.isCapitalised, j > i
                {
                    j += 1
                } else {
                    break
                }
                if j - i > 8 { break }
            }
            // "Knowle High Street" is a street, not a school.
            if lastSuffix >= 0, let after = ctx.token(lastSuffix + 1), after.isCapitalised, after.flags.contains(.streetSuffix), !after.flags.contains(.orgSuffix) {
                lastSuffix = -1
            }
            if lastSuffix >= 0 {
                // "University of Bristol": suffix first, then "of" + place.
                var end = lastSuffix
                if lastSuffix < j - 1, let c = ctx.token(lastSuffix + 1), c.kind == .word, c.flags.contains(.of) {
                    end = j - 1
                    distinctiveAtSuffix = max(distinctiveAtSuffix, 2)
                }
                // "Oasis Academy Brislington": a place or unknown capitalised word straight after the suffix.
                if end == lastSuffix, let p = ctx.token(end + 1), p.kind == .word, p.isCapitalised, !p.claimed, !p.newlineBefore,
                    p.spaceBefore, p.flags.contains(.place) || p.flags.isEmpty,
                    !(ctx.token(end + 2).map { $0.flags.contains(.personVerb) || $0.flags.contains(.strongVerb) } ?? false)
                {
                    end += 1
                    distinctiveAtSuffix += 2
                }
                if distinctiveAtSuffix >= 2 {
                    // Don't start on a sentence-initial common word ("The Academy").
                    var s = i
                    while s < lastSuffix, ctx.tokens[s].kind == .word, ctx.tokens[s].flags.contains(.nonIdentifying),
                        !ctx.tokens[s].flags.contains(.saint), !ctx.tokens[s].flags.contains(.orgSuffix) { s += 1 }
                    if ctx.tokens[s].kind == .word && ctx.tokens[s].flags.contains(.connector) { s += 1 }
                    // "Plays for Moss Side Juniors": a sentence-initial word and a lower-case connector
                    // belong to the sentence, not the name.
                    if s == i, ctx.isSentenceStart(s), s + 2 < lastSuffix, ctx.tokens[s].flags.contains(.englishWord),
                        !ctx.tokens[s].flags.contains(.place), let c = ctx.token(s + 1), c.kind == .word, !c.isCapitalised,
                        c.flags.contains(.connector) { s += 2 }
                    // "1st Withywood Scouts": an ordinal before the name belongs to it.
                    if s == i, s > 0, isOrdinal(ctx, s - 1) { s -= 1 }
                    ctx.claimTokens(s, end, .organisation, .context, 0.85)
                    i = end + 1
                    continue
                }
            }
            // "Bedminster swim club", "Easton youth group": a capitalised place (or unexplained word)
            // run, then a lower-case activity word and club/group/team.
            // The name starts at its first place or unexplained word ("Loved Bedminster swim club").
            if lastSuffix < 0, j > i, let end = groupTail(ctx, at: j),
                let first = (i..<j).first(where: {
                    let f = ctx.tokens[$0].flags
                    return ctx.tokens[$0].kind == .word && (f.contains(.place) || f.isEmpty) && f.isDisjoint(with: [.weekday, .month, .nonIdentifying])
                        && !(ctx.tokens[$0].isAllCaps && ctx.tokens[$0].length <= 3)  // "CP team", "SEN group": an abbreviation
                })
            {
                ctx.claimTokens(first, end, .organisation, .context, 0.75)
                i = end + 1
                continue
            }
            i = max(i + 1, j)
        }
    }

    /// "1st", "2nd", "12th".
    static func isOrdinal(_ ctx: ScanContext, _ i: Int) -> Bool {
        guard let t = ctx.token(i), t.kind == .alnum, !t.claimed, t.digits >= 1, t.digits <= 2, t.letters == 2 else { return false }
        return DateDetector.dayValue(ctx, i) != nil || t.digits == 2
    }

    /// Lower-case "club"/"group"/"team" at `j`, or one lower-case word then one of them; returns its index.
    static func groupTail(_ ctx: ScanContext, at j: Int) -> Int? {
        guard let a = ctx.token(j), a.kind == .word, !a.isCapitalised, !a.claimed, !a.newlineBefore else { return nil }
        if a.flags.contains(.groupWord) { return j }
        guard let b = ctx.token(j + 1), b.kind == .word, !b.isCapitalised, !b.claimed, !b.newlineBefore, b.flags.contains(.groupWord),
            !a.flags.contains(.groupWord), a.flags.isDisjoint(with: [.conjunction, .personVerb, .strongVerb, .copula])
        else { return nil }
        return j + 1
    }
}
