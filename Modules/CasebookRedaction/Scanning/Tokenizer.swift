// Single-pass tokenizer over Unicode scalars.

enum Tokenizer {
    /// Placeholder words by hash, so "[NAME]", "[PERSON 2]" or "[ORGANISATION 1]" in already-redacted
    /// text becomes one opaque token. Label names stand for themselves; PERSON and CLIENT for names.
    static let placeholderLabels: [UInt64: RedactionLabel] = {
        var d = Dictionary(uniqueKeysWithValues: RedactionLabel.allCases.map { (WordHasher.hash($0.rawValue), $0) })
        d[WordHasher.hash("PERSON")] = .name
        d[WordHasher.hash("CLIENT")] = .name
        return d
    }()

    /// Splits `s` into tokens. Words keep internal apostrophes ("O'Neill", "don't"), hyphens between
    /// letters ("Smith-Jones", "year-old") and underscores; a trailing "'s" is marked possessive.
    static func tokenize(_ scalars: [UInt32], lex: Lexicon? = nil) -> [Token] {
        var summary = TokenSummary()
        return scalars.withUnsafeBufferPointer { tokenize($0, lex: lex, summary: &summary) }
    }

    /// Tokens and what kinds of token the text holds (lets detectors skip a note that cannot match).
    static func tokenize(_ scalars: [UInt32], lex: Lexicon, summary: inout TokenSummary) -> [Token] {
        scalars.withUnsafeBufferPointer { tokenize($0, lex: lex, summary: &summary) }
    }

    /// The hot loop works on an unsafe buffer: no bounds checks per scalar in release builds
    /// (every index is checked against `n` by the loop conditions).
    private static func tokenize(_ s: UnsafeBufferPointer<UInt32>, lex: Lexicon?, summary: inout TokenSummary) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(s.count / 3 + 8)
        let n = s.count
        var i = 0
        var sawSpace = false
        var sawNewline = false
        while i < n {
            let c = s[i]
            if isWhitespace(c) {
                sawSpace = true
                if isNewline(c) { sawNewline = true }
                i += 1
                continue
            }
            var t: Token
            if c == 0x5B, let p = placeholder(s, at: i) {  // "[LABEL]"
                t = Token(kind: .placeholder, start: i, end: p.end, fullEnd: p.end, hash: 0)
                t.placeholderLabel = p.label
                i = p.end
            } else if isASCIIAlnum(c) || c == 0x5F || (c >= 128 && isLetter(c)) {
                t = word(s, at: i)
                i = t.fullEnd
                if let lex, t.kind == .word { t.flags = lex[t.hash] }
            } else {
                t = Token(kind: .punct, start: i, end: i + 1, fullEnd: i + 1, hash: UInt64(c))
                t.scalar = c
                i += 1
            }
            t.spaceBefore = sawSpace
            t.newlineBefore = sawNewline
            sawSpace = false
            sawNewline = false
            summary.add(t)
            tokens.append(t)
        }
        return tokens
    }

    /// "[" WORD ("_" WORD)* (" " DIGITS)? "]" where WORD is upper-case ASCII: a label or PERSON/CLIENT
    /// ("[NAME]", "[PERSON 2]"), or a relation made of kinship/role words ("[SISTER]", "[FOSTER_CARER]",
    /// see `Redactor.placeholders`). Anything else in brackets ("[JOHN]") is ordinary text.
    private static func placeholder(_ s: UnsafeBufferPointer<UInt32>, at i: Int) -> (end: Int, label: RedactionLabel)? {
        var j = i + 1
        var whole = WordHasher()
        var part = WordHasher()
        var partLength = 0
        var allParts = true  // every "_"-separated part is a kinship or role word
        func closePart() {
            if partLength == 0 { allParts = false; return }
            let f = Lexicon.shared[part.value]
            if f.isDisjoint(with: [.relation, .roleWord, .nonIdentifying]) || f.contains(.givenName) && !f.contains(.relation) { allParts = false }
            part = WordHasher()
            partLength = 0
        }
        while j < s.count, j - i <= Redactor.maxPlaceholderWordLength, isASCIIUpper(s[j]) || s[j] == 0x5F {
            whole.add(s[j])
            if s[j] == 0x5F { closePart() } else { part.add(s[j]); partLength += 1 }
            j += 1
        }
        guard j > i + 1, j < s.count else { return nil }
        closePart()
        var k = j
        if s[k] == 0x20, k + 1 < s.count, isASCIIDigit(s[k + 1]) {
            k += 1
            while k < s.count, k - j <= 5, isASCIIDigit(s[k]) { k += 1 }
        }
        guard k < s.count, s[k] == 0x5D else { return nil }
        if let label = placeholderLabels[whole.value] { return (k + 1, label) }
        return allParts ? (k + 1, .name) : nil
    }

    @inline(__always)
    private static func word(_ s: UnsafeBufferPointer<UInt32>, at start: Int) -> Token {
        let n = s.count
        var h = WordHasher()
        var i = start
        var digits = 0, letters = 0, uppers = 0
        var underscore = false
        var possessiveAt = -1
        while i < n {
            let c = s[i]
            if c < 128 {
                // ASCII fast path: letters and digits hash inline, no Unicode property look-ups.
                let l = c | 0x20
                if l &- 97 < 26 {
                    letters += 1
                    if c < 97 { uppers += 1 }
                    h.addLowerASCII(l)
                    i += 1
                    continue
                }
                if c &- 48 < 10 || c == 0x5F {
                    if c != 0x5F { digits += 1 } else { letters += 1; underscore = true }
                    h.addLowerASCII(c)
                    i += 1
                    continue
                }
            }
            if isASCIIDigit(c) {
                digits += 1
            } else if c >= 0x300 && c <= 0x36F && i > start {
                // Combining marks ("e\u{301}") stay in the word.
            } else if c >= 128 && isLetter(c) {
                letters += 1
                if isUpperLetter(c) { uppers += 1 }
            } else if (isApostrophe(c) || isHyphen(c)) && i + 1 < n && i > start
                && isLetter(s[i + 1]) && isLetter(s[i - 1])
            {
                if isApostrophe(c) && (s[i + 1] == 0x73 || s[i + 1] == 0x53) && (i + 2 >= n || !isLetter(s[i + 2])) {
                    possessiveAt = i  // "Amira's": the base word ends here
                    i += 2
                    break
                }
            } else {
                break
            }
            h.add(c)
            i += 1
        }
        let end = possessiveAt >= 0 ? possessiveAt : i
        let kind: Token.Kind = digits == 0 ? .word : (letters == 0 ? .number : .alnum)
        var t = Token(kind: kind, start: start, end: end, fullEnd: i, hash: h.value)
        t.digits = digits
        t.letters = letters
        t.isPossessive = possessiveAt >= 0
        t.isCapitalised = isUpperLetter(s[start])
        t.isAllCaps = letters >= 2 && uppers == letters
        t.hasUnderscore = underscore
        return t
    }
}
