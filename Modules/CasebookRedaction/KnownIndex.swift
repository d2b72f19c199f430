// The vault's known identifiers, pre-hashed for the detectors.

/// Hashes of known name parts and lower-cased contact strings. Built once per `Redactor`.
struct KnownIndex: Sendable {
    var nameParts: Set<UInt64> = []
    var contacts: [(scalars: [UInt32], label: RedactionLabel)] = []
    /// Hashes of the data subject's name parts and normalised contacts (exempt from masking).
    var subjectParts: Set<UInt64> = []
    var subjectContacts: Set<UInt64> = []
    /// Known dates as day * 100 + month, and with year as year * 10_000 + month * 100 + day.
    var dayMonths: Set<Int> = []
    var fullDates: Set<Int> = []

    init(_ known: KnownIdentifiers) {
        for item in known.subject {
            let scalars = item.unicodeScalars.map(\.value)
            if let norm = Self.normalisedContact(scalars[...]) { subjectContacts.insert(norm) }
            for t in Tokenizer.tokenize(scalars) where t.kind == .word && t.letters >= 2 {
                subjectParts.insert(t.hash)
                nameParts.insert(t.hash)  // the subject's names are still recognised as names...
            }
        }
        for name in known.names {
            let scalars = name.unicodeScalars.map(\.value)
            for t in Tokenizer.tokenize(scalars) where t.kind == .word && t.letters >= 2 {
                nameParts.insert(t.hash)
                // "Smith-Jones" also matches "Smith" and "Jones".
                var h = WordHasher()
                for k in t.start..<t.end {
                    if isHyphen(scalars[k]) {
                        nameParts.insert(h.value)
                        h = WordHasher()
                    } else {
                        h.add(scalars[k])
                    }
                }
                nameParts.insert(h.value)
            }
        }
        for d in known.dates {
            let parts = d.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { continue }
            dayMonths.insert(parts[2] * 100 + parts[1])
            fullDates.insert(parts[0] * 10_000 + parts[1] * 100 + parts[2])
        }
        for c in known.contacts {
            let scalars = c.trimmingSpaces().unicodeScalars.map { lowerScalar($0.value) }
            guard scalars.count >= 5 else { continue }
            let digitCount = scalars.filter(isASCIIDigit).count
            let label: RedactionLabel = scalars.contains(0x40) ? .email : (digitCount * 2 > scalars.count ? .phone : .address)
            contacts.append((scalars, label))
        }
    }

    /// A contact reduced to its digits (phones) or lower-cased text without spaces (emails), hashed.
    static func normalisedContact(_ s: ArraySlice<UInt32>) -> UInt64? {
        let hasAt = s.contains(0x40)
        var h = WordHasher()
        var n = 0
        for c in s where hasAt ? !isWhitespace(c) : isASCIIDigit(c) {
            h.add(c)
            n += 1
        }
        return n >= 5 ? h.value : nil
    }

    /// ...but spans made only of them are dropped: true when `span` is the subject's own identifier.
    func isSubject(_ span: RedactionSpan, _ ctx: ScanContext) -> Bool {
        guard !subjectParts.isEmpty || !subjectContacts.isEmpty else { return false }
        switch span.label {
        case .name:
            var sawPart = false
            var k = ctx.firstToken(endingAfter: span.range.lowerBound)
            while k < ctx.tokens.count && ctx.tokens[k].start < span.range.upperBound {
                let t = ctx.tokens[k]
                k += 1
                guard t.kind == .word, t.letters >= 2 else { continue }
                if t.flags.contains(.title) { continue }
                if !subjectParts.contains(t.hash) { return false }
                sawPart = true
            }
            return sawPart
        case .phone, .email:
            return Self.normalisedContact(ctx.s[span.range]).map(subjectContacts.contains) ?? false
        default:
            return false
        }
    }

    /// Literal, case-insensitive matches of known contacts.
    func detectContacts(_ ctx: inout ScanContext) {
        guard !contacts.isEmpty else { return }
        let s = ctx.s
        for (needle, label) in contacts {
            guard needle.count <= s.count else { continue }
            var i = 0
            while i + needle.count <= s.count {
                if lowerScalar(s[i]) == needle[0] && (i == 0 || !isLetter(s[i - 1]) && !isASCIIDigit(s[i - 1])) {
                    var k = 1
                    while k < needle.count && lowerScalar(s[i + k]) == needle[k] { k += 1 }
                    if k == needle.count {
                        ctx.claim(i..<(i + k), label, .knownIdentifier, 0.99)
                        i += k
                        continue
                    }
                }
                i += 1
            }
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
