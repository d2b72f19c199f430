// Specific calendar dates: 12/03/2014, 2014-03-12, 12.3.14, 12th March (2014), March 12th,
// "born March 2014", "Thursday 26th", "Fri 27 Nov", "19/12".
//
// The rule (docs/redaction.md, "Dates"): a date is identifying when it pins one calendar day — a
// day with a month, a day with a weekday, or a numeric day/month — and the whole phrase, weekday
// included, is one span. A month, a weekday, a year or a time alone is not a date.

enum DateDetector {
    /// Day number from a number token ("12") or ordinal ("12th", "1st"); nil if not 1...31.
    static func dayValue(_ ctx: ScanContext, _ i: Int) -> Int? {
        guard let t = ctx.token(i), !t.claimed, t.kind == .number || t.kind == .alnum, t.digits <= 2, t.digits >= 1 else { return nil }
        var v = 0
        for k in t.start..<(t.start + t.digits) {
            guard isASCIIDigit(ctx.s[k]) else { return nil }
            v = v * 10 + Int(ctx.s[k] - 48)
        }
        if t.kind == .alnum {
            let suffix = String(decoding: ctx.s[(t.start + t.digits)..<t.end].map { UInt8(truncatingIfNeeded: lowerScalar($0)) }, as: UTF8.self)
            guard ["st", "nd", "rd", "th"].contains(suffix) else { return nil }
        }
        return (1...31).contains(v) ? v : nil
    }

    static func numberValue(_ ctx: ScanContext, _ i: Int) -> (value: Int, digits: Int)? {
        guard let t = ctx.token(i), t.kind == .number, !t.claimed, t.digits <= 4 else { return nil }
        var v = 0
        for k in t.start..<t.end { v = v * 10 + Int(ctx.s[k] - 48) }
        return (v, t.digits)
    }

    static func isYear(_ ctx: ScanContext, _ i: Int) -> Bool {
        guard let (v, d) = numberValue(ctx, i) else { return false }
        return d == 4 && (1900...2099).contains(v)
    }

    static func month(_ ctx: ScanContext, _ i: Int) -> Int? {
        guard let t = ctx.token(i), t.flags.contains(.month), !t.claimed else { return nil }
        return ctx.lex.monthNumbers[t.hash]
    }

    /// Tokens i and j are adjacent without whitespace.
    @inline(__always) static func tight(_ ctx: ScanContext, _ j: Int) -> Bool {
        guard let t = ctx.token(j) else { return false }
        return !t.spaceBefore
    }

    /// Known dates from the vault: a d/m without a year ("9/4", "9.4") counts when it is a known
    /// date. (Full dates are already found by `detect` in every format, whether known or not.)
    static func detectKnown(_ ctx: inout ScanContext, known: KnownIndex) {
        guard !known.dayMonths.isEmpty else { return }
        for i in ctx.tokens.indices {
            guard let a = numberValue(ctx, i), a.digits <= 2, let sep = ctx.token(i + 1), sep.isPunct(0x2F) || sep.isPunct(0x2E),
                tight(ctx, i + 1), tight(ctx, i + 2), let b = numberValue(ctx, i + 2), b.digits <= 2,
                known.dayMonths.contains(a.value * 100 + b.value)
            else { continue }
            if let next = ctx.token(i + 3), !next.spaceBefore, next.kind == .number || next.isPunct(sep.scalar) { continue }
            ctx.claimTokens(i, i + 2, .date, .knownIdentifier, 0.9)
        }
    }

    static func detect(_ ctx: inout ScanContext) {
        var i = 0
        while i < ctx.tokens.count {
            let t = ctx.tokens[i]
            guard t.digits > 0 || t.flags.contains(.month) || t.flags.contains(.weekday) else {
                i += 1
                continue
            }
            if let end = weekdayDate(ctx, i) ?? numeric(ctx, i) ?? dayMonth(ctx, i) ?? monthDay(ctx, i) ?? bornMonthYear(ctx, i) ?? bareDayMonth(ctx, i) {
                ctx.claimTokens(i, end, .date, .pattern, 0.9)
                i = end + 1
                continue
            }
            i += 1
        }
    }

    /// "Thursday 26th", "Thursday the 26th", "Weds 9th Dec", "Fri 27 Nov", "Friday 27 November 2026":
    /// a weekday then a day of the month (an ordinal, or a number followed by a month).
    static func weekdayDate(_ ctx: ScanContext, _ i: Int) -> Int? {
        guard let t = ctx.token(i), t.kind == .word, t.flags.contains(.weekday), !t.claimed, !t.isPossessive else { return nil }
        var j = i + 1
        if ctx.isPunct(j, 0x2E) || ctx.isPunct(j, 0x2C) { j += 1 }  // "Fri. 27", "Friday, 27th"
        if let the = ctx.token(j), the.kind == .word, the.hash == theHash { j += 1 }
        guard let day = ctx.token(j), !day.newlineBefore, dayValue(ctx, j) != nil else { return nil }
        if let end = dayMonth(ctx, j) { return end }
        return day.kind == .alnum ? j : nil  // an ordinal; a bare number may be a time ("Friday 3 pm")
    }

    static let theHash = WordHasher.hash("the")
    /// Prepositions before a day, not a score ("on 9/10"; not "in 9/10 cases", "up from 4/10").
    static let dayPrepositions = Set(["on", "since", "until", "till"].map { WordHasher.hash($0) })

    /// "19/12", "26/11": a day/month without a year. Not a score ("mood 3/10", "rated 7/10"), not a
    /// fraction inside a longer number, not a d/m that needs the vault (those are `detectKnown`).
    static func bareDayMonth(_ ctx: ScanContext, _ i: Int) -> Int? {
        guard let a = numberValue(ctx, i), a.digits <= 2, ctx.isPunct(i + 1, 0x2F), tight(ctx, i + 1), tight(ctx, i + 2),
            let b = numberValue(ctx, i + 2), b.digits <= 2, (1...31).contains(a.value), (1...12).contains(b.value)
        else { return nil }
        if let p = ctx.token(i - 1), !ctx.tokens[i].spaceBefore, p.kind == .number || p.isPunct(0x2F) || p.isPunct(0x2E) || p.isPunct(0x2D) { return nil }
        if let next = ctx.token(i + 3), !next.spaceBefore, next.kind == .number || next.kind == .alnum || next.isPunct(0x2F) { return nil }
        // Out of 10 / out of 5, unless a word that only dates take comes first ("missed the session on 9/10").
        let dayCue = ctx.token(i - 1).map { $0.kind == .word && Self.dayPrepositions.contains($0.hash) } ?? false
        if !dayCue && (b.value == 10 && a.value <= 10 || b.value == 5 && a.value <= 5) { return nil }
        for k in max(0, i - 3)..<i where ctx.tokens[k].flags.contains(.scaleWord) { return nil }
        return i + 2
    }

    /// d/m/y, d.m.y, d-m-y (2- or 4-digit year) and y-m-d.
    static func numeric(_ ctx: ScanContext, _ i: Int) -> Int? {
        guard let a = numberValue(ctx, i), let sep = ctx.token(i + 1), sep.kind == .punct,
            sep.scalar == 0x2F || sep.scalar == 0x2E || sep.scalar == 0x2D,
            tight(ctx, i + 1), tight(ctx, i + 2), let b = numberValue(ctx, i + 2),
            ctx.isPunct(i + 3, sep.scalar), tight(ctx, i + 3), tight(ctx, i + 4), let c = numberValue(ctx, i + 4)
        else { return nil }
        if let next = ctx.token(i + 5), !next.spaceBefore, next.kind == .number || (next.kind == .punct && (next.scalar == 0x2F || next.scalar == 0x2D)) { return nil }
        if a.digits == 4 { return (1...12).contains(b.value) && (1...31).contains(c.value) && c.digits <= 2 ? i + 4 : nil }
        guard a.digits <= 2, b.digits <= 2, c.digits == 2 || c.digits == 4 else { return nil }
        return (1...31).contains(a.value) && (1...12).contains(b.value) ? i + 4 : nil
    }

    /// 12 March, 12th of March, 12 Mar 2014, 12th March, 2014
    static func dayMonth(_ ctx: ScanContext, _ i: Int) -> Int? {
        guard dayValue(ctx, i) != nil else { return nil }
        var j = i + 1
        if let t = ctx.token(j), t.kind == .word, t.flags.contains(.of) { j += 1 }
        guard month(ctx, j) != nil else { return nil }
        return withYear(ctx, j)
    }

    /// March 12th, March 12 2014, March 12th, 2014
    static func monthDay(_ ctx: ScanContext, _ i: Int) -> Int? {
        guard month(ctx, i) != nil else { return nil }
        var j = i + 1
        if ctx.isPunct(j, 0x2E) { j += 1 }
        guard dayValue(ctx, j) != nil else { return nil }
        // "May 3" at least needs the month capitalised.
        guard ctx.tokens[i].isCapitalised else { return nil }
        return withYear(ctx, j)
    }

    /// Extends past a month or day token to an optional ", 2014" / " 2014".
    static func withYear(_ ctx: ScanContext, _ j: Int) -> Int {
        var k = j + 1
        if ctx.isPunct(k, 0x2E) && isYear(ctx, k + 1) { k += 1 }  // "Mar. 2014"
        if ctx.isPunct(k, 0x2C) { k += 1 }
        return isYear(ctx, k) ? k : j
    }

    /// "born in March 2014", "DOB March 2014": a month and year tied to a birth.
    static func bornMonthYear(_ ctx: ScanContext, _ i: Int) -> Int? {
        guard month(ctx, i) != nil, isYear(ctx, i + 1) else { return nil }
        for k in max(0, i - 3)..<i where ctx.tokens[k].flags.contains(.birthCue) { return i + 1 }
        return nil
    }
}
