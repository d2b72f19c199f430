// UK and international phone numbers: digit groups with single separators, validated by length
// and prefix (0 + 9–10 digits, +44 / 0044 + 9–10 digits, other + country codes 8–15 digits).

public enum PhoneDetector {
    @inline(__always) static func isSeparator(_ c: UInt32) -> Bool {
        c == 0x20 || c == 0x2D || c == 0x2E || c == 0xA0 || c == 0x2013
    }

    /// True when the digit string (no separators) is a plausible phone number.
    static func isPlausible(_ d: [UInt8], international: Bool) -> Bool {
        var d = d
        var intl = international
        if !intl && d.count > 2 && d[0] == 0 && d[1] == 0 {
            d.removeFirst(2)
            intl = true
        }
        if intl {
            if d.count >= 2 && d[0] == 4 && d[1] == 4 {
                var rest = Array(d.dropFirst(2))
                if rest.first == 0 { rest.removeFirst() }
                return (rest.count == 9 || rest.count == 10) && rest[0] != 0
            }
            return d.count >= 8 && d.count <= 15 && d[0] != 0
        }
        return d.count >= 10 && d.count <= 11 && d[0] == 0 && d[1] != 0
    }

    /// Scans a candidate starting at `i` ('+', '(' or a digit). Returns the longest valid prefix
    /// ending at a digit-group boundary.
    static func scan(_ s: [UInt32], at i: Int) -> Range<Int>? {
        var j = i
        var intl = false
        var openParen = false
        if s[j] == 0x2B { intl = true; j += 1 }
        if j < s.count && s[j] == 0x28 { openParen = true; j += 1 }
        var digits: [UInt8] = []
        var boundaries: [(Int, Int)] = []  // (digit count, end offset just after that group)
        var lastEnd = j
        func closeGroup() {
            if !digits.isEmpty && boundaries.last?.0 != digits.count { boundaries.append((digits.count, lastEnd)) }
        }
        while j < s.count {
            let c = s[j]
            if isASCIIDigit(c) {
                digits.append(UInt8(c - 48))
                j += 1
                lastEnd = j
                if digits.count > 16 { break }
                continue
            }
            closeGroup()
            // "(0)" inside an international number: +44 (0)20 …
            if intl && c == 0x28 && j + 2 < s.count && s[j + 1] == 0x30 && s[j + 2] == 0x29 {
                j += 3
                if j < s.count && isSeparator(s[j]) { j += 1 }
                continue
            }
            if c == 0x29 && openParen {
                openParen = false
                j += 1
                if j < s.count && isSeparator(s[j]) { j += 1 }
                continue
            }
            if isSeparator(c) && j + 1 < s.count && isASCIIDigit(s[j + 1]) {
                j += 1
                continue
            }
            // A number broken across a line ("07700 900\n631"): while it is still too short to be a
            // phone, up to three spaces with at most one line break join the next digit group.
            if isWhitespace(c) && digits.count < 11 {
                var k = j
                var breaks = 0
                while k < s.count && isWhitespace(s[k]) && k - j < 3 {
                    if s[k] == 0x0A { breaks += 1 }
                    k += 1
                }
                if breaks <= 1 && k < s.count && isASCIIDigit(s[k]) {
                    j = k
                    continue
                }
            }
            if isSeparator(c) && j + 2 < s.count && s[j + 1] == 0x28 && isASCIIDigit(s[j + 2]) {
                j += 2
                openParen = true
                continue
            }
            break
        }
        closeGroup()
        for (count, end) in boundaries.reversed() {
            if end < s.count && isASCIIAlnum(s[end]) { continue }
            if isPlausible(Array(digits[0..<count]), international: intl) { return i..<end }
        }
        return nil
    }

    /// Token-driven: a phone starts at a number token beginning with 0, or at "+" / "(" before digits.
    static func detect(_ ctx: inout ScanContext) {
        let s = ctx.s
        var k = 0
        while ctx.summary.hasDigits, k < ctx.tokens.count {
            let t = ctx.tokens[k]
            k += 1
            guard !t.claimed else { continue }
            let i = t.start
            let candidate: Bool
            switch t.kind {
            case .number: candidate = s[i] == 0x30
            case .punct: candidate = (t.scalar == 0x2B || t.scalar == 0x28) && (ctx.token(k)?.kind == .number || ctx.token(k)?.scalar == 0x28) && !(ctx.token(k)?.spaceBefore ?? true)
            default: candidate = false
            }
            guard candidate, i == 0 || !(isASCIIAlnum(s[i - 1]) || s[i - 1] == 0x2B), let r = scan(s, at: i) else { continue }
            if ctx.claim(r, .phone, .pattern, 0.95) {
                while k < ctx.tokens.count && ctx.tokens[k].start < r.upperBound { k += 1 }
            }
        }
        spelledNumbers(&ctx)
    }

    static let digitWords: [UInt64: Int] = Dictionary(uniqueKeysWithValues: [
        ("oh", 0), ("o", 0), ("zero", 0), ("nought", 0), ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5),
        ("six", 6), ("seven", 7), ("eight", 8), ("nine", 9),
    ].map { (WordHasher.hash($0.0), $0.1) })
    static let repeatWords: [UInt64: Int] = [WordHasher.hash("double"): 2, WordHasher.hash("triple"): 3, WordHasher.hash("treble"): 3]

    /// "oh seven seven double oh, nine double oh, eight one two": a number read out to dodge filters.
    /// Digit words (and digits), "double"/"triple", with commas or hyphens between; kept when the
    /// digits make a plausible phone number.
    static func spelledNumbers(_ ctx: inout ScanContext) {
        guard !ctx.summary.wordFlags.isDisjoint(with: [.digitWord, .repeatWord]) else { return }
        var i = 0
        while i < ctx.tokens.count {
            // Only a digit word or "double"/"triple" starts a number read out.
            guard ctx.tokens[i].kind == .word, !ctx.tokens[i].flags.isDisjoint(with: [.digitWord, .repeatWord]) else { i += 1; continue }
            var j = i
            var digits: [UInt8] = []
            var repeatNext = 1
            var last = -1
            while let t = ctx.token(j), !t.claimed {
                if t.kind == .word, t.flags.contains(.digitWord), let d = digitWords[t.hash] {
                    if t.length == 1 && digits.isEmpty { break }  // a lone "o" does not start a number
                    digits += [UInt8](repeating: UInt8(d), count: repeatNext)
                    repeatNext = 1
                    last = j
                } else if t.kind == .word, t.flags.contains(.repeatWord), let r = repeatWords[t.hash], !digits.isEmpty || j == i {
                    repeatNext = r
                } else if t.kind == .number, t.digits <= 4, !digits.isEmpty {
                    for c in ctx.s[t.start..<t.end] { digits.append(UInt8(c - 0x30)) }
                    last = j
                } else if t.kind == .punct, t.scalar == 0x2C || t.scalar == 0x2D, !digits.isEmpty {
                    // separators inside the number
                } else {
                    break
                }
                j += 1
            }
            if last >= 0, digits.count >= 10, isPlausible(digits, international: false) {
                ctx.claimTokens(i, last, .phone, .pattern, 0.85)
                i = last + 1
            } else {
                i += 1
            }
        }
    }
}
