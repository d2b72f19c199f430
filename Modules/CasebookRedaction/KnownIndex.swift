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
    /// Name part → placeholder word of the known person it belongs to ("CLIENT", "SISTER"). A part
    /// shared by people with different relations (a family surname) is left out.
    var roleByPart: [UInt64: String] = [:]
    /// Taught words and phrases (`KnownIdentifiers.terms`), lower-cased, with the label they mask as.
    var terms: [(scalars: [UInt32], label: RedactionLabel)] = []

    init(_ known: KnownIdentifiers) {
        for item in known.subject {
            let scalars = item.unicodeScalars.map(\.value)
            if let norm = Self.normalisedContact(scalars[...]) { subjectContacts.insert(norm) }
            for t in Tokenizer.tokenize(scalars) where t.kind == .word && t.letters >= 2 {
                subjectParts.insert(t.hash)
                nameParts.insert(t.hash)  // the subject's names are still recognised as names...
            }
        }
        for name in known.names { _ = insertName(name) }
        var conflicted: Set<UInt64> = []
        for person in known.people {
            let parts = insertName(person.name)
            guard let role = Self.roleWord(person.relation) else { continue }
            for p in parts where !conflicted.contains(p) {
                if let other = roleByPart[p], other != role {
                    roleByPart[p] = nil
                    conflicted.insert(p)
                } else {
                    roleByPart[p] = role
                }
            }
        }
        for term in known.terms {
            let scalars = term.trimmingSpaces().unicodeScalars.map { lowerScalar($0.value) }
            guard scalars.count >= 2 else { continue }
            let words = Tokenizer.tokenize(scalars, lex: Lexicon.shared).filter { $0.kind == .word || $0.kind == .alnum || $0.kind == .number }
            for t in words where t.kind == .word && t.letters >= 2 && words.count == 1 { nameParts.insert(t.hash) }
            let last = words.last?.flags ?? []
            let label: RedactionLabel = last.contains(.streetSuffix) && words.count > 1 ? .address
                : last.contains(.orgSuffix) && words.count > 1 ? .organisation : .name
            terms.append((scalars, label))
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

    /// Hashes every part of a name (and of each hyphenated piece: "Smith-Jones" also matches
    /// "Smith" and "Jones") into `nameParts`; returns the hashes.
    private mutating func insertName(_ name: String) -> [UInt64] {
        let scalars = name.unicodeScalars.map(\.value)
        var out: [UInt64] = []
        for t in Tokenizer.tokenize(scalars) where t.kind == .word && t.letters >= 2 {
            out.append(t.hash)
            var h = WordHasher()
            for k in t.start..<t.end {
                if isHyphen(scalars[k]) {
                    out.append(h.value)
                    h = WordHasher()
                } else {
                    h.add(scalars[k])
                }
            }
            out.append(h.value)
        }
        nameParts.formUnion(out)
        return out
    }

    /// The placeholder word for a relation: its kinship and role words, upper-case, joined by "_"
    /// ("sister" → "SISTER", "Social worker" → "SOCIAL_WORKER"); "client" → "CLIENT". Nil when the
    /// relation holds no such word (then the person is numbered like anyone else), so a placeholder
    /// can never carry a name ("Nan Joyce" → "NAN").
    static func roleWord(_ relation: String) -> String? {
        let scalars = relation.unicodeScalars.map(\.value)
        var parts: [String] = []
        var length = 0
        for t in Tokenizer.tokenize(scalars, lex: Lexicon.shared) where t.kind == .word {
            if t.hash == WordHasher.hash("client") { return "CLIENT" }
            let f = t.flags
            guard f.contains(.relation) || f.contains(.roleWord), !f.contains(.givenName) || f.contains(.relation) else { continue }
            let word = String(decoding: scalars[t.start..<t.end].filter(isASCIILetter).map { UInt8($0) & ~0x20 }, as: UTF8.self)
            let added = word.count + (parts.isEmpty ? 0 : 1)
            guard !word.isEmpty, length + added <= Redactor.maxPlaceholderWordLength else { break }
            length += added
            parts.append(word)
        }
        return parts.isEmpty ? nil : parts.joined(separator: "_")
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

    /// Literal, case-insensitive matches of known contacts, and of taught terms as whole words.
    func detectContacts(_ ctx: inout ScanContext) {
        guard !contacts.isEmpty || !terms.isEmpty else { return }
        for (needle, label) in terms { claimLiteral(needle, label, wholeWord: true, &ctx) }
        for (needle, label) in contacts { claimLiteral(needle, label, wholeWord: false, &ctx) }
    }

    /// Claims every case-insensitive occurrence of `needle` (lower-cased scalars) that starts at a
    /// word boundary and, when `wholeWord`, also ends at one.
    private func claimLiteral(_ needle: [UInt32], _ label: RedactionLabel, wholeWord: Bool, _ ctx: inout ScanContext) {
        let s = ctx.s
        guard needle.count <= s.count else { return }
        func boundary(_ j: Int) -> Bool { !isLetter(s[j]) && !isASCIIDigit(s[j]) }
        var i = 0
        while i + needle.count <= s.count {
            if lowerScalar(s[i]) == needle[0] && (i == 0 || boundary(i - 1)) {
                var k = 1
                while k < needle.count && lowerScalar(s[i + k]) == needle[k] { k += 1 }
                let end = i + k
                if k == needle.count && (!wholeWord || end == s.count || boundary(end)) {
                    ctx.claim(i..<end, label, .knownIdentifier, 0.99)
                    i = end
                    continue
                }
            }
            i += 1
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
