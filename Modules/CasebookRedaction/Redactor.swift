// The redactor: runs every detector over one tokenised pass and masks what they find.

/// Finds and masks personal identifiers in UK English free text.
///
/// Invariants:
/// - `detect` returns spans sorted by start, non-overlapping, with Unicode-scalar offsets.
/// - `redact(redact(x).text).text == redact(x).text` (placeholders are opaque to every detector,
///   and `redact` re-checks its own output).
/// - Nothing here logs or prints matched text.
public struct Redactor: Sendable {
    let known: KnownIndex
    let lexicon: Lexicon

    public init(known: KnownIdentifiers = KnownIdentifiers()) {
        self.known = KnownIndex(known)
        self.lexicon = Lexicon.shared
    }

    /// Longest upper-case word in a placeholder ("ORGANISATION", "SOCIAL_WORKER").
    static let maxPlaceholderWordLength = 24

    /// Every identifier in `text`, sorted by start, never overlapping.
    public func detect(_ text: String) -> [RedactionSpan] {
        var ctx = ScanContext(text: text, lex: lexicon)
        return detect(&ctx)
    }

    /// Live preview: the spans `redact` would mask, each with the placeholder it would get, and the
    /// masked text. Pure: nothing is stored or logged (the local web app's preview and
    /// `casebook redact --json` use it).
    public func preview(_ text: String) -> RedactionResult { redact(text) }

    func detect(_ ctx: inout ScanContext) -> [RedactionSpan] {
        // Order matters: earlier detectors claim tokens, later ones skip them.
        known.detectContacts(&ctx)
        WebDetector.detect(&ctx)
        HandleDetector.detect(&ctx)
        NINumber.detect(&ctx)
        Postcode.detect(&ctx)
        NHSNumber.detect(&ctx)
        DateDetector.detect(&ctx)
        DateDetector.detectKnown(&ctx, known: known)
        PhoneDetector.detect(&ctx)
        AddressDetector.detect(&ctx)
        OrganisationDetector.detect(&ctx)
        AgeLocationDetector.detect(&ctx)
        NameDetector.detect(&ctx, known: known)
        NameDetector.detectRepeats(&ctx, known: known)
        var spans = Self.normalise(ctx.spans).compactMap { Self.trimmed($0, ctx.s) }
        if !known.subjectParts.isEmpty || !known.subjectContacts.isEmpty {
            let c = ctx
            spans.removeAll { known.isSubject($0, c) }
        }
        return spans
    }

    /// Punctuation around a span is never consumed: an opening bracket or quote whose partner is not
    /// inside the span, a closing one whose partner is not inside, and trailing ",;:" and spaces are
    /// left outside ("(020 7946 0000)" → "([PHONE])", while "(0117) 496 0123" keeps its brackets).
    static func trimmed(_ span: RedactionSpan, _ s: [UInt32]) -> RedactionSpan? {
        var lo = span.range.lowerBound, hi = span.range.upperBound
        func partner(_ c: UInt32) -> UInt32? {
            switch c {
            case 0x28: 0x29
            case 0x5B: 0x5D
            case 0x7B: 0x7D
            case 0x22: 0x22
            case 0x201C: 0x201D
            case 0x2018: 0x2019
            default: nil
            }
        }
        func opener(_ c: UInt32) -> UInt32? {
            switch c {
            case 0x29: 0x28
            case 0x5D: 0x5B
            case 0x7D: 0x7B
            case 0x22: 0x22
            case 0x201D: 0x201C
            default: nil
            }
        }
        while lo < hi {
            let c = s[lo]
            if isWhitespace(c) { lo += 1; continue }
            guard let close = partner(c), !s[(lo + 1)..<hi].contains(close) else { break }
            lo += 1
        }
        while hi > lo {
            let c = s[hi - 1]
            if isWhitespace(c) || c == 0x2C || c == 0x3B || c == 0x3A { hi -= 1; continue }
            guard let open = opener(c), !s[lo..<(hi - 1)].contains(open) else { break }
            hi -= 1
        }
        guard lo < hi else { return nil }
        return RedactionSpan(label: span.label, range: lo..<hi, source: span.source, confidence: span.confidence)
    }

    /// Sorts and drops any span that overlaps an earlier-starting one (defensive: `claim` already
    /// prevents overlaps).
    static func normalise(_ spans: [RedactionSpan]) -> [RedactionSpan] {
        var out = spans
        out.sort { $0.range.lowerBound < $1.range.lowerBound }
        var kept = 0
        for k in out.indices where kept == 0 || out[kept - 1].range.upperBound <= out[k].range.lowerBound {
            out[kept] = out[k]
            kept += 1
        }
        out.removeLast(out.count - kept)
        return out
    }

    /// Masks every span with its placeholder (see `placeholders`). `spans` index the ORIGINAL text.
    public func redact(_ text: String) -> RedactionResult {
        var ctx = ScanContext(text: text, lex: lexicon)
        var spans = detect(&ctx)
        if spans.isEmpty { return RedactionResult(text: text, spans: []) }
        // Safety net for idempotence: re-detect on the masked text; anything new is mapped back
        // onto the original and merged, until nothing new appears (at most a few rounds).
        var names = placeholders(spans, ctx)
        for _ in 0..<3 {
            let (masked, map) = Self.mask(text, spans, names)
            let again = detect(masked)
            if again.isEmpty { return RedactionResult(text: masked, spans: spans, placeholders: names) }
            spans = Self.merge(spans, again.map { map.original($0) })
            names = placeholders(spans, ctx)
        }
        return RedactionResult(text: Self.mask(text, spans, names).0, spans: spans, placeholders: names)
    }

    /// The placeholder of each span, so a masked note still says who is who:
    /// - a name of a known person: their relation to the client ("[CLIENT]", "[SISTER]", "[MUM]");
    /// - any other name: "[PERSON n]", numbered by first appearance; a later span sharing a name
    ///   part ("Amira Khan" … "Amira") gets the same number;
    /// - organisations and addresses: "[ORGANISATION n]", "[ADDRESS n]", the same text (ignoring
    ///   case and punctuation) the same number;
    /// - everything else: the label ("[PHONE]", "[DATE]").
    func placeholders(_ spans: [RedactionSpan], _ ctx: ScanContext) -> [String] {
        var people: [UInt64: Int] = [:]
        var places: [RedactionLabel: [UInt64: Int]] = [:]
        var personCount = 0
        return spans.map { span in
            switch span.label {
            case .name:
                var parts: [UInt64] = []
                var k = ctx.firstToken(endingAfter: span.range.lowerBound)
                while k < ctx.tokens.count && ctx.tokens[k].start < span.range.upperBound {
                    let t = ctx.tokens[k]
                    if (t.kind == .word || t.kind == .alnum) && t.letters >= 2 && !t.flags.contains(.title) { parts.append(t.hash) }
                    k += 1
                }
                if parts.isEmpty { parts = [WordHasher.hash(ctx.s[span.range].lazy.map(lowerScalar))] }
                if let role = parts.lazy.compactMap({ self.known.roleByPart[$0] }).first { return "[\(role)]" }
                let n: Int
                if let seen = parts.lazy.compactMap({ people[$0] }).first {
                    n = seen
                } else {
                    personCount += 1
                    n = personCount
                }
                for p in parts where people[p] == nil { people[p] = n }
                return "[PERSON \(n)]"
            case .organisation, .address:
                var h = WordHasher()
                for c in ctx.s[span.range] where isLetter(c) || isASCIIDigit(c) { h.add(c) }
                var table = places[span.label, default: [:]]
                let n = table[h.value] ?? table.count + 1
                table[h.value] = n
                places[span.label] = table
                return "[\(span.label.rawValue) \(n)]"
            default:
                return span.label.placeholder
            }
        }
    }

    /// Unions two span lists, fusing overlapping spans (the wider one's label wins).
    static func merge(_ a: [RedactionSpan], _ b: [RedactionSpan]) -> [RedactionSpan] {
        let all = (a + b).sorted { $0.range.lowerBound < $1.range.lowerBound }
        var out: [RedactionSpan] = []
        for s in all {
            if var last = out.last, last.range.upperBound > s.range.lowerBound {
                let wider = s.range.count > last.range.count ? s : last
                last = RedactionSpan(label: wider.label, range: last.range.lowerBound..<max(last.range.upperBound, s.range.upperBound),
                                     source: wider.source, confidence: wider.confidence)
                out[out.count - 1] = last
            } else {
                out.append(s)
            }
        }
        return out
    }

    /// Masked text plus a map from masked offsets back to original offsets. Works on UTF-8 bytes,
    /// walking scalar boundaries once (spans are sorted and non-overlapping).
    static func mask(_ text: String, _ spans: [RedactionSpan], _ placeholders: [String]) -> (String, OffsetMap) {
        var text = text
        var map = OffsetMap()
        let out: [UInt8] = text.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + spans.count * 8)
            var byte = 0, scalar = 0, maskedScalar = 0
            // Advances `byte`/`scalar` to the scalar offset `target`, copying when asked.
            func advance(to target: Int, copy: Bool) {
                while scalar < target && byte < bytes.count {
                    repeat {
                        if copy { out.append(bytes[byte]) }
                        byte += 1
                    } while byte < bytes.count && !UTF8Decoding.isScalarStart(bytes[byte])
                    scalar += 1
                }
            }
            for (index, span) in spans.enumerated() where span.range.lowerBound >= scalar {
                let lo = span.range.lowerBound
                map.copied(maskedStart: maskedScalar, originalStart: scalar, length: lo - scalar)
                maskedScalar += lo - scalar
                advance(to: lo, copy: true)
                let ph = (index < placeholders.count ? placeholders[index] : span.label.placeholder).utf8
                map.replaced(maskedStart: maskedScalar, length: ph.count, original: lo..<span.range.upperBound)
                out.append(contentsOf: ph)
                maskedScalar += ph.count
                advance(to: span.range.upperBound, copy: false)
            }
            let startScalar = scalar
            let tail = bytes[byte...]
            out.append(contentsOf: tail)
            let tailScalars = tail.reduce(0) { $0 + (UTF8Decoding.isScalarStart($1) ? 1 : 0) }
            map.copied(maskedStart: maskedScalar, originalStart: startScalar, length: tailScalars)
            return out
        }
        return (String(decoding: out, as: UTF8.self), map)
    }
}

/// Piecewise map from offsets in masked text to offsets in the original.
struct OffsetMap {
    private var pieces: [(masked: Range<Int>, original: Range<Int>, copied: Bool)] = []

    mutating func copied(maskedStart: Int, originalStart: Int, length: Int) {
        guard length > 0 else { return }
        pieces.append((maskedStart..<(maskedStart + length), originalStart..<(originalStart + length), true))
    }
    mutating func replaced(maskedStart: Int, length: Int, original: Range<Int>) {
        pieces.append((maskedStart..<(maskedStart + length), original, false))
    }

    private func originalRange(of offset: Int) -> Range<Int> {
        for p in pieces where p.masked.contains(offset) {
            if p.copied { let o = p.original.lowerBound + offset - p.masked.lowerBound; return o..<(o + 1) }
            return p.original
        }
        let end = pieces.last?.original.upperBound ?? 0
        return end..<end
    }

    func original(_ span: RedactionSpan) -> RedactionSpan {
        let lo = originalRange(of: span.range.lowerBound).lowerBound
        let hi = originalRange(of: max(span.range.lowerBound, span.range.upperBound - 1)).upperBound
        return RedactionSpan(label: span.label, range: lo..<max(lo, hi), source: span.source, confidence: span.confidence)
    }
}
