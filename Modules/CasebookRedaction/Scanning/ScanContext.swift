// Shared state of one detection pass: the scalars, the tokens, and the spans found so far.

struct ScanContext {
    let s: [UInt32]
    var tokens: [Token]
    var spans: [RedactionSpan] = []  // reserved in init
    let lex: Lexicon
    /// Token kinds and word flags present in the text (claiming tokens never changes them).
    let summary: TokenSummary

    init(text: String, lex: Lexicon) {
        let scalars = UTF8Decoding.scalars(of: text)
        // Token offsets are 32-bit: a single note of 2^31 scalars is far outside any real use.
        precondition(scalars.count < Int(Int32.max), "text too long for one redaction pass")
        self.s = scalars
        var summary = TokenSummary()
        self.tokens = Tokenizer.tokenize(scalars, lex: lex, summary: &summary)
        self.summary = summary
        self.spans.reserveCapacity(8)
        self.lex = lex
    }

    // MARK: Token helpers

    @inline(__always) func flags(_ i: Int) -> WordFlags {
        guard i >= 0, i < tokens.count else { return [] }
        return tokens[i].flags
    }

    @inline(__always) func isWord(_ i: Int, _ f: WordFlags) -> Bool { flags(i).contains(f) }

    @inline(__always) func token(_ i: Int) -> Token? { i >= 0 && i < tokens.count ? tokens[i] : nil }

    @inline(__always) func isPunct(_ i: Int, _ c: UInt32) -> Bool {
        i >= 0 && i < tokens.count && tokens[i].kind == .punct && tokens[i].scalar == c
    }

    /// True when token `i` begins a sentence (text start, a line start, or after . ! ? : or a bullet),
    /// looking through opening quotes and brackets.
    func isSentenceStart(_ i: Int) -> Bool {
        var j = i - 1
        if tokens[i].newlineBefore { return true }
        while j >= 0 {
            let t = tokens[j]
            if t.kind == .punct {
                switch t.scalar {
                case 0x2E, 0x21, 0x3F, 0x3A, 0x2022: return true  // . ! ? : •
                case 0x22, 0x28, 0x201C, 0x2018, 0x27, 0x2D, 0x2A:  // quotes, (, -, *
                    if t.newlineBefore { return true }
                    j -= 1
                    continue
                default: return false
                }
            }
            return false
        }
        return true
    }

    /// A token at `i` that is, or stands for, a person's name: a placeholder "[NAME]" or a claimed name.
    func isNameLike(_ i: Int) -> Bool {
        guard let t = token(i) else { return false }
        if t.kind == .placeholder { return t.placeholderLabel == .name }
        return false
    }

    // MARK: Claiming

    /// Records a span and marks every token it touches as claimed. Ignores a span that overlaps a
    /// claimed token (first detector wins), so spans never overlap.
    @discardableResult
    mutating func claim(_ range: Range<Int>, _ label: RedactionLabel, _ source: DetectionSource, _ confidence: Double) -> Bool {
        guard !range.isEmpty else { return false }
        var lo = firstToken(endingAfter: range.lowerBound)
        let first = lo
        while lo < tokens.count && tokens[lo].start < range.upperBound {
            if tokens[lo].claimed || tokens[lo].kind == .placeholder { return false }
            lo += 1
        }
        for k in first..<lo { tokens[k].claimed = true }
        spans.append(RedactionSpan(label: label, range: range, source: source, confidence: confidence))
        return true
    }

    /// Claims tokens first...last (inclusive) as one span, ending at the last token's `end`
    /// (so a possessive "'s" stays outside the span).
    @discardableResult
    mutating func claimTokens(_ first: Int, _ last: Int, _ label: RedactionLabel, _ source: DetectionSource, _ confidence: Double) -> Bool {
        claim(tokens[first].start..<tokens[last].end, label, source, confidence)
    }

    /// Index of the first token whose fullEnd is after `offset` (binary search).
    func firstToken(endingAfter offset: Int) -> Int {
        var lo = 0, hi = tokens.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tokens[mid].fullEnd <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The scalars of token `i` as an array of lower-cased ASCII bytes (small tokens only).
    /// Whether token `t`, lower-cased, ends with `suffix` (lower-case scalars); allocates nothing.
    func endsWith(_ t: Token, _ suffix: [UInt32]) -> Bool {
        guard t.end - t.start >= suffix.count else { return false }
        var k = t.end - suffix.count
        for c in suffix {
            if lowerScalar(s[k]) != c { return false }
            k += 1
        }
        return true
    }

    func lowerASCII(_ i: Int) -> [UInt8] {
        let t = tokens[i]
        var out: [UInt8] = []
        out.reserveCapacity(t.fullEnd - t.start)
        for k in t.start..<t.fullEnd { out.append(UInt8(truncatingIfNeeded: lowerScalar(s[k]))) }
        return out
    }
}
