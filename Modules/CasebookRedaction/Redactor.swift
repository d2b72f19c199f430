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

    /// Every identifier in `text`, sorted by start, never overlapping.
    public func detect(_ text: String) -> [RedactionSpan] {
        var ctx = ScanContext(text: text, lex: lexicon)
        return detect(&ctx)
    }

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
        var spans = Self.normalise(ctx.spans)
        if !known.subjectParts.isEmpty || !known.subjectContacts.isEmpty {
            let c = ctx
            spans.removeAll { known.isSubject($0, c) }
        }
        return spans
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

    /// Masks every span with its placeholder. `spans` index the ORIGINAL text.
    public func redact(_ text: String) -> RedactionResult {
        var spans = detect(text)
        if spans.isEmpty { return RedactionResult(text: text, spans: []) }
        // Safety net for idempotence: re-detect on the masked text; anything new is mapped back
        // onto the original and merged, until nothing new appears (at most a few rounds).
        for _ in 0..<3 {
            let (masked, map) = Self.mask(text, spans)
            let again = detect(masked)
            if again.isEmpty { return RedactionResult(text: masked, spans: spans) }
            spans = Self.merge(spans, again.map { map.original($0) })
        }
        return RedactionResult(text: Self.mask(text, spans).0, spans: spans)
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
    static func mask(_ text: String, _ spans: [RedactionSpan]) -> (String, OffsetMap) {
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
            for span in spans where span.range.lowerBound >= scalar {
                let lo = span.range.lowerBound
                map.copied(maskedStart: maskedScalar, originalStart: scalar, length: lo - scalar)
                maskedScalar += lo - scalar
                advance(to: lo, copy: true)
                let ph = span.label.placeholder.utf8
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
