// The vault's known identifiers, pre-hashed for the detectors.

/// Hashes of known name parts and lower-cased contact strings. Built once per `Redactor`.
struct KnownIndex: Sendable {
    var nameParts: Set<UInt64> = []
    var contacts: [(scalars: [UInt32], label: RedactionLabel)] = []

    init(_ known: KnownIdentifiers) {
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
        for c in known.contacts {
            let scalars = c.trimmingSpaces().unicodeScalars.map { lowerScalar($0.value) }
            guard scalars.count >= 5 else { continue }
            let digitCount = scalars.filter(isASCIIDigit).count
            let label: RedactionLabel = scalars.contains(0x40) ? .email : (digitCount * 2 > scalars.count ? .phone : .address)
            contacts.append((scalars, label))
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
