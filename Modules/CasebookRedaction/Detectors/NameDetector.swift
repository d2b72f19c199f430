// People's names: known identifiers first, then the gazetteer, then context cues (titles,
// relation words, person verbs, capitalisation in mid-sentence, adjacency to other names).

enum NameDetector {
    enum Verdict { case no, yes(DetectionSource, Double) }

    static func detect(_ ctx: inout ScanContext, known: KnownIndex) {
        let n = ctx.tokens.count
        var isName = [Bool](repeating: false, count: n)
        // Titles: a capitalised run right after reading/watching/playing ("reading Percy Jackson",
        // "watched Love Island") names a book or a show, not people, unless a speech verb follows.
        var inTitle = [Bool](repeating: false, count: n)
        for i in 0..<n where ctx.tokens[i].kind == .word && ctx.tokens[i].flags.contains(.mediaVerb) {
            var j = i + 1
            while j < n, j - i <= 4, ctx.tokens[j].kind == .word, ctx.tokens[j].isCapitalised, adjacent(ctx, j - 1, j) { j += 1 }
            if j - i >= 3, !(ctx.token(j).map { $0.flags.contains(.strongVerb) } ?? false) { for k in (i + 1)..<j { inTitle[k] = true } }
        }
        var info: [Int: (source: DetectionSource, confidence: Double)] = [:]  // sparse: names are few
        let anyKnown = !known.nameParts.isEmpty
        for i in 0..<n {
            // Cheap pre-filter (same test as verdict's fast exit) before the full call.
            let t = ctx.tokens[i]
            if t.kind != .word || t.claimed || inTitle[i] { continue }
            if !t.isCapitalised && !((t.flags.contains(.givenName) || t.flags.contains(.surname)) && !t.flags.contains(.englishWord)) && !anyKnown
                && !(i > 0 && ctx.tokens[i - 1].flags.contains(.title)) { continue }
            if case .yes(let src, let c) = verdict(ctx, i, known: known) {
                isName[i] = true
                info[i] = (src, c)
            }
        }
        // Adjacency: a capitalised word (or a listed surname, any case) next to a name is part of it.
        // Only tokens within two of a name can join, so only those are looked at.
        var changed = isName.contains(true)
        var rounds = 0
        while changed && rounds < 3 {
            changed = false
            rounds += 1
            var candidates: [Int] = []
            for k in 0..<n where isName[k] {
                for j in max(0, k - 3)...min(n - 1, k + 2) where !isName[j] { candidates.append(j) }
            }
            for i in candidates where !isName[i] && !inTitle[i] && canJoin(ctx, i) {
                let leftName = i > 0 && isName[i - 1] && adjacent(ctx, i - 1, i)
                let rightName = i + 1 < n && isName[i + 1] && adjacent(ctx, i, i + 1)
                guard leftName || rightName else {
                    // "Nevaeh and Carys": an unknown capitalised word joined to a name by and/or.
                    let t = ctx.tokens[i]
                    let tf = t.flags
                    // At a sentence start only a listed or unexplained name joins ("Ivy and Holly").
                    let nameish = isUnknown(ctx, i) || (tf.contains(.givenName) || tf.contains(.ambiguousName)) && !tf.contains(.properWord)
                    guard t.isCapitalised, t.letters >= 3, !t.isAllCaps, nameish,
                        !ctx.isSentenceStart(i) || !tf.contains(.englishWord) || tf.contains(.ambiguousName) || tf.contains(.givenName)
                    else { continue }
                    func isAnd(_ k: Int) -> Bool { ctx.tokens[k].kind == .word && ctx.tokens[k].flags.contains(.conjunction) || ctx.tokens[k].isPunct(0x26) }
                    let viaRight = i + 2 < n && isName[i + 2] && isAnd(i + 1)
                        || i + 3 < n && isName[i + 3] && isAnd(i + 1) && ctx.tokens[i + 2].flags.contains(.relation)  // "Hetal & brother Dhruv"
                    let viaLeft = i >= 2 && isName[i - 2] && isAnd(i - 1)
                    if viaRight || viaLeft {
                        isName[i] = true
                        info[i] = (.context, 0.7)
                        changed = true
                    }
                    continue
                }
                let t = ctx.tokens[i]
                let f = t.flags
                let ok: Bool
                if leftName {
                    // Right of a name. In lower case: a listed surname ("megan wood") or an unknown word
                    // ("femi corrigan") after a lower-case name.
                    ok = t.isCapitalised ? !f.contains(.personVerb) || f.contains(.surname)
                        : !ctx.tokens[i - 1].isCapitalised && f.isDisjoint(with: [.nonIdentifying, .personVerb, .strongVerb, .relation])
                            && (f.contains(.surname) || isUnknown(ctx, i) && t.letters >= 3)
                } else {
                    // Left of a name: a capitalised unknown word or given name, not sentence-initial filler.
                    let rf = ctx.tokens[i + 1].flags
                    if !t.isCapitalised && !ctx.tokens[i + 1].isCapitalised && t.letters >= 3 && isUnknown(ctx, i) {
                        ok = true  // "elowen okonkwo": an unknown lower-case word before a lower-case surname
                    } else {
                        // A capitalised dictionary word in mid-sentence before a listed surname ("with Brogan Clarke").
                        let wordBeforeSurname = f.contains(.englishWord) && rf.contains(.surname) && !rf.contains(.ambiguousSurname)
                            && !ctx.isSentenceStart(i) && f.isDisjoint(with: .known)
                        ok = t.isCapitalised && (f.isDisjoint(with: .known) && !f.contains(.englishWord) || f.contains(.givenName) || f.contains(.surname) || wordBeforeSurname)
                            && !(rf.contains(.givenName) && !rf.contains(.surname) && ctx.isSentenceStart(i))
                    }
                }
                if ok {
                    isName[i] = true
                    info[i] = (.context, 0.8)
                    changed = true
                }
            }
        }
        // Group runs of name tokens into spans, pulling in a title before them.
        var i = 0
        while i < n {
            guard isName[i] else { i += 1; continue }
            var j = i
            var best = info[i]?.confidence ?? 0.5
            var src = info[i]?.source ?? .context
            while j + 1 < n && isName[j + 1] && adjacent(ctx, j, j + 1) && !ctx.tokens[j].isPossessive {
                j += 1
                if let h = info[j], h.confidence > best { best = h.confidence; src = h.source }
            }
            var start = i
            if i >= 1, isTitle(ctx, i - 1) { start = i - 1 }
            else if i >= 2, ctx.isPunct(i - 1, 0x2E), isTitle(ctx, i - 2), adjacent(ctx, i - 2, i - 1) { start = i - 2 }
            // Initials: "J. Okafor" / "J Okafor" before, "Amira K." / "Amira K" after.
            if start == i, i >= 2, ctx.isPunct(i - 1, 0x2E), isInitial(ctx, i - 2), !ctx.tokens[i - 1].spaceBefore { start = i - 2 }
            else if start == i, i >= 1, isInitial(ctx, i - 1), adjacent(ctx, i - 1, i), !ctx.isSentenceStart(i - 1) || ctx.flags(i).contains(.surname) { start = i - 1 }
            var endOffset = ctx.tokens[j].end
            if !ctx.tokens[j].isPossessive, j + 1 < n, isInitial(ctx, j + 1), adjacent(ctx, j, j + 1),
                j + 2 >= n || ctx.tokens[j + 2].kind == .punct || ctx.tokens[j + 2].newlineBefore
            {
                j += 1
                endOffset = ctx.tokens[j].end
                // "Amira K." — the full stop of the initial belongs to it.
                if j + 1 < n, ctx.isPunct(j + 1, 0x2E), !ctx.tokens[j + 1].spaceBefore {
                    j += 1
                    endOffset = ctx.tokens[j].end
                }
            }
            ctx.claim(ctx.tokens[start].start..<endOffset, .name, src, best)
            i = j + 1
        }
    }

    static let fromHash = WordHasher.hash("from")
    static let prefixes = ["re", "un", "pre", "mis", "dis", "non", "over", "out", "under", "sub", "co", "super", "micro", "mega"]
    static let suffixes = ["s", "es", "ed", "d", "ing", "er", "ers", "ly", "ness", "less", "ful"]

    /// Explained by English morphology: a prefix or suffix on an English word ("Rebooked"), two
    /// English words run together ("Headspace", "Microsoft", "Windrush"), or hyphenated English
    /// words ("Spider-Man"). Brands and coinages are built this way; names rarely are.
    static func isEnglishCompound(_ ctx: ScanContext, _ t: Token) -> Bool {
        let w = ctx.s[t.start..<t.end].map(lowerScalar)
        guard w.count >= 5, w.count <= 24 else { return false }
        func english(_ r: Range<Int>) -> Bool {
            guard r.count >= 3 else { return false }
            let f = ctx.lex[WordHasher.hash(w[r])]
            return f.contains(.englishWord) || f.contains(.nonIdentifying)
        }
        if let h = w.firstIndex(where: isHyphen) {
            return english(0..<h) && english((h + 1)..<w.count) && !w[(h + 1)...].contains(where: isHyphen)
        }
        for p in prefixes where w.count - p.count >= 3 && w.starts(with: p.unicodeScalars.map(\.value)) && english(p.count..<w.count) { return true }
        for x in suffixes where w.count - x.count >= 3 && w.reversed().starts(with: x.unicodeScalars.reversed().map(\.value)) && english(0..<(w.count - x.count)) { return true }
        if w.count >= 6 { for k in 3...(w.count - 3) where english(0..<k) && english(k..<w.count) { return true } }
        return false
    }

    /// A name seen elsewhere in the same note is a name here too ("Tharshini told Precious … and
    /// Precious told a teacher"): capitalised anywhere, or in lower case when it is no English word.
    static func detectRepeats(_ ctx: inout ScanContext, known: KnownIndex) {
        var seen: Set<UInt64> = []
        for span in ctx.spans where span.label == .name {
            var k = ctx.firstToken(endingAfter: span.range.lowerBound)
            while k < ctx.tokens.count && ctx.tokens[k].start < span.range.upperBound {
                let t = ctx.tokens[k]
                if t.kind == .word && t.letters >= 3 && t.flags.isDisjoint(with: [.title, .nonIdentifying, .relation, .properWord]) { seen.insert(t.hash) }
                k += 1
            }
        }
        guard !seen.isEmpty else { return }
        for i in ctx.tokens.indices {
            let t = ctx.tokens[i]
            guard t.kind == .word, !t.claimed, seen.contains(t.hash), !t.isAllCaps || t.length <= 3 else { continue }
            guard t.isCapitalised || !t.flags.contains(.englishWord) else { continue }
            ctx.claimTokens(i, i, .name, .context, 0.7)
        }
    }

    /// A word no list knows: not a dictionary word, place, name or function word, and (for a plural
    /// or possessive-looking "…s") neither is its stem ("Mondays").
    static func isUnknown(_ ctx: ScanContext, _ i: Int) -> Bool {
        let t = ctx.tokens[i]
        guard t.flags.isEmpty else { return false }
        if isMedicineName(ctx, t) { return false }
        if t.isCapitalised && isEnglishCompound(ctx, t) { return false }
        let last = ctx.s[t.end - 1]
        if t.length > 3 && (last == 0x73 || last == 0x53) {
            let stem = WordHasher.hash(ctx.s[t.start..<(t.end - 1)])
            if !ctx.lex[stem].isEmpty { return false }
        }
        return true
    }

    /// Medicines by their international non-proprietary name stems ("Lansoprazole", "Sertraline",
    /// "Fluoxetine", "Propranolol", "Diazepam"): a medicine, not a person.
    static let medicineStems: [[UInt32]] = ["azole", "prazole", "oxetine", "traline", "aline", "olol", "pril", "sartan", "statin", "mycin",
                                            "cillin", "tidine", "azepam", "zepam", "triptyline", "idone", "apine", "etine", "profen", "amol",
                                            "phenidate", "amfetamine", "oxacin", "tropin"].map { $0.unicodeScalars.map(\.value) }
    static func isMedicineName(_ ctx: ScanContext, _ t: Token) -> Bool {
        guard t.length >= 7 else { return false }
        return medicineStems.contains { stem in t.end - t.start > stem.count + 2 && ctx.endsWith(t, stem) }
    }

    /// "StepChange", "PlayStation", "YouTube": a capital inside the word, other than the name
    /// prefixes Mc/Mac/O'/De/Di/La/Le/Van/Fitz, marks a brand rather than a person.
    static func isCamelCaseBrand(_ ctx: ScanContext, _ i: Int) -> Bool {
        let t = ctx.tokens[i]
        guard t.length >= 4 else { return false }
        var k = t.start + 1
        while k < t.end {
            let c = ctx.s[k]
            if isUpperLetter(c) && isLetter(ctx.s[k - 1]) {
                let prefix = String(decoding: ctx.s[t.start..<k].map { UInt8(truncatingIfNeeded: lowerScalar($0)) }, as: UTF8.self)
                return !["mc", "mac", "de", "di", "da", "la", "le", "van", "von", "fitz", "st"].contains(prefix)
            }
            k += 1
        }
        return false
    }

    /// Lexicon flags of each hyphen-separated part of token `i` (empty when it has no hyphen).
    static func hyphenParts(_ ctx: ScanContext, _ i: Int) -> [WordFlags] {
        let t = ctx.tokens[i]
        guard ctx.s[t.start..<t.end].contains(where: isHyphen) else { return [] }
        var out: [WordFlags] = []
        var h = WordHasher()
        for k in t.start..<t.end {
            if isHyphen(ctx.s[k]) {
                out.append(ctx.lex[h.value])
                h = WordHasher()
            } else {
                h.add(ctx.s[k])
            }
        }
        out.append(ctx.lex[h.value])
        return out
    }

    /// A title token ("Mr", "Dr", also "mr" in lower case when a listed name follows).
    static func isTitle(_ ctx: ScanContext, _ i: Int) -> Bool {
        // A possessive is not a title: "Father's Day".
        guard let t = ctx.token(i), t.kind == .word, !t.claimed, !t.isPossessive, t.flags.contains(.title) else { return false }
        if t.isCapitalised { return true }
        guard t.length <= 4, !t.flags.contains(.relation) else { return false }  // "mr", "mrs", "dr", not "sister"
        let nf = ctx.flags(i + 1).contains(.title) ? [] : ctx.flags(i + 1)
        return nf.contains(.surname) || nf.contains(.givenName) && !nf.contains(.englishWord)
    }

    /// A single capital letter (an initial), not "I" or "A".
    static func isInitial(_ ctx: ScanContext, _ i: Int) -> Bool {
        guard let t = ctx.token(i), t.kind == .word, t.length == 1, t.isCapitalised, !t.claimed else { return false }
        let c = ctx.s[t.start]
        return c != 0x49 && c != 0x41
    }

    /// Two tokens separated only by spaces on one line (or a hyphen inside a double-barrelled name).
    static func adjacent(_ ctx: ScanContext, _ a: Int, _ b: Int) -> Bool {
        let t = ctx.tokens[b]
        return !t.newlineBefore && t.start - ctx.tokens[a].fullEnd <= 1
    }

    static func canJoin(_ ctx: ScanContext, _ i: Int) -> Bool {
        let t = ctx.tokens[i]
        guard t.kind == .word, !t.claimed, !t.isAllCaps || t.length <= 1, t.letters >= 2 else { return false }
        let f = t.flags
        if f.contains(.nonIdentifying) && !f.contains(.surname) { return false }
        if f.contains(.title) || f.contains(.orgSuffix) || f.contains(.month) || f.contains(.streetSuffix) && !f.contains(.surname) { return false }
        return true
    }

    static func verdict(_ ctx: ScanContext, _ i: Int, known: KnownIndex) -> Verdict {
        let t = ctx.tokens[i]
        guard t.kind == .word, !t.claimed, t.letters >= 2 else { return .no }
        let f = t.flags
        let cap = t.isCapitalised
        if t.length > 1 && t.letters > 1 && isUpperLetter(ctx.s[t.start + 1]) && !known.nameParts.contains(t.hash) && !t.isAllCaps { return .no }  // "GCSEs", "DMs"
        if t.isAllCaps && t.length > 1 && !known.nameParts.contains(t.hash) && !(f.contains(.givenName) && t.length >= 4 && !f.contains(.nonIdentifying)) { return .no }
        // "C-card", "X-ray", "A-level", "T-shirt": one capital letter and a hyphen.
        if t.length > 2, isHyphen(ctx.s[t.start + 1]) { return .no }
        // "HoY", "SaLT": a short word with a capital after its second letter is an abbreviation.
        if t.length <= 4, t.length > 2, ctx.s[(t.start + 2)..<t.end].contains(where: isUpperLetter), !known.nameParts.contains(t.hash) { return .no }
        let start = ctx.isSentenceStart(i)
        let prevFlags = ctx.flags(i - 1)
        let next = ctx.token(i + 1)
        let nextFlags = ctx.flags(i + 1)
        let nextIsStrongVerb = next.map { $0.flags.contains(.strongVerb) && !$0.newlineBefore } ?? false
        let nextIsPersonVerb = nextIsStrongVerb || (nextFlags.contains(.personVerb) && !(next?.isCapitalised ?? true))
        let commonWord = f.contains(.nonIdentifying) || f.contains(.ambiguousName) || f.contains(.personVerb)
            || f.contains(.subjectWord) || f.contains(.month) || f.contains(.title) || f.contains(.relation)
        let afterTitle = i > 0 && isTitle(ctx, i - 1) || i > 1 && ctx.isPunct(i - 1, 0x2E) && isTitle(ctx, i - 2)
        // (Not after a possessive relation: "Carer's Allowance", "Mum's Birthday".)
        let afterRelation = prevFlags.contains(.relation) && !ctx.tokens[i - 1].claimed && !ctx.tokens[i - 1].isPossessive
            || (ctx.isPunct(i - 1, 0x2C) && ctx.flags(i - 2).contains(.relation))

        // "Clare's Law", "Carer's Allowance", "Women's Aid": a possessive before a capitalised common
        // word is a fixed phrase named after someone, not a person in the note.
        if t.isPossessive, !known.nameParts.contains(t.hash), let nx = next, nx.kind == .word, nx.isCapitalised, !nx.newlineBefore,
            nx.flags.contains(.englishWord), nx.flags.isDisjoint(with: [.relation, .givenName, .surname, .roleWord, .title]) { return .no }
        // A nickname in quotes: 'his mate "Tiny"', '"Smudge" (real name …)', 'known as "Bex"'.
        if cap, quotedNickname(ctx, i) { return .yes(.context, 0.7) }
        // 1. Known identifiers from the vault.
        if known.nameParts.contains(t.hash) {
            if !commonWord { return .yes(.knownIdentifier, 0.99) }
            // A capitalised known name is masked even when it is also a word ("Robin talked…" for a
            // client called Robin): over-masking the client's own name is the safe error (P6).
            if cap { return .yes(.knownIdentifier, start && !nextIsPersonVerb && !afterTitle ? 0.9 : 0.95) }
        }
        let nextIsLowerWord = next.map { $0.kind == .word && !$0.isCapitalised && !$0.newlineBefore } ?? false
        // A shop or café: "went to Nando's", "at Sainsbury's." (but "at Jago's house" is a person's).
        if t.isPossessive && prevFlags.contains(.placePreposition) && !nextIsLowerWord && !afterTitle { return .no }
        // A title: "reading Harry Potter", "watched Love Island" (a capitalised run after a media verb).
        if cap && prevFlags.contains(.mediaVerb) && !afterTitle && !nextIsStrongVerb
            && (next.map { $0.kind == .word && $0.isCapitalised && !$0.newlineBefore } ?? false) { return .no }
        // "Played Uno", "watching Bluey": one unexplained capitalised word after a media verb is a title.
        if cap && prevFlags.contains(.mediaVerb) && !afterTitle && !nextIsStrongVerb && isUnknown(ctx, i) && !ctx.tokens[i - 1].claimed { return .no }
        // 2. Titles: "Mr Okafor", "Dr. Lee".
        if afterTitle && cap && !f.contains(.nonIdentifying) { return .yes(.context, 0.95) }
        if afterTitle && (f.contains(.surname) || f.contains(.givenName)) && f.isDisjoint(with: [.personVerb, .strongVerb]) { return .yes(.context, 0.9) }
        // 3. Ambiguous names ("Grace", "Will", "May"): only capitalised and with context.
        if f.contains(.ambiguousName) {
            guard cap, !t.isAllCaps else { return .no }
            if afterRelation { return .yes(.context, 0.85) }
            if roleInBrackets(ctx, i) || bracketCue(ctx, i) || coordinatedWithRelation(ctx, i) { return .yes(.context, 0.8) }
            let surnameNext = next.map { $0.kind == .word && $0.isCapitalised && !$0.newlineBefore } ?? false
                && nextFlags.contains(.surname) && !nextFlags.contains(.nonIdentifying)
            if nextIsStrongVerb || surnameNext { return .yes(.context, 0.85) }
            // Months, seasons, faiths: written with a capital anyway, so only the cues above count.
            if f.contains(.properWord) { return .no }
            if t.isPossessive { return .yes(.context, 0.75) }
            if nextFlags.contains(.actionVerb) && !(next?.isCapitalised ?? true) { return .yes(.context, 0.75) }
            if nextFlags.contains(.copula), ctx.flags(i + 2).contains(.personAdjective) { return .yes(.context, 0.75) }
            // "Heather from the office", "Sue from CAMHS".
            if start, let nx = next, nx.kind == .word, nx.hash == Self.fromHash, !nx.newlineBefore,
                ctx.token(i + 2).map({ $0.kind == .word && $0.hash == DateDetector.theHash }) ?? false { return .yes(.context, 0.65) }
            if start { return .no }
            // Mid-sentence capital: "with Grace", "because Will had".
            return .yes(.gazetteer, 0.65)
        }
        if f.contains(.nonIdentifying) || f.contains(.subjectWord) && !f.contains(.givenName) { return .no }
        // 4. Relation words: "my brother Tayo", "her friend, Kezia".
        if afterRelation && cap && !f.contains(.personVerb) { return .yes(.context, 0.85) }
        // 5. Given names from the gazetteer. One that is also an English word ("Amber", "Jack")
        //    needs a verb or a surname after it at the start of a sentence, and is never a name in lower case.
        if f.contains(.givenName) {
            // "in Lincoln", "from Chester": a place after a place preposition; "St John": a saint.
            if f.contains(.place) && prevFlags.contains(.placePreposition) { return .no }
            if prevFlags.contains(.saint) && !afterTitle { return .no }
            let word = f.contains(.englishWord)
            if cap {
                if word && start && !nextIsPersonVerb && !(next.map { $0.isCapitalised && !$0.newlineBefore } ?? false) && !roleInBrackets(ctx, i) && !bracketCue(ctx, i) && !coordinatedWithRelation(ctx, i) { return .no }
                return .yes(.gazetteer, word ? 0.75 : 0.9)
            }
            if t.letters >= 3 && !word && !f.contains(.personVerb) && !f.contains(.relation) { return .yes(.gazetteer, 0.7) }
            return .no
        }
        // 5b. Double-barrelled or hyphenated names ("Ellie-May", "Okonkwo-Smith"): judge by the parts.
        if cap && f.isEmpty && t.length > 3 {
            let parts = hyphenParts(ctx, i)
            // A part must be a name that is no English word: "Ellie-May", not "Spider-Man".
            if parts.count > 1 && parts.contains(where: { ($0.contains(.givenName) || $0.contains(.surname) && !$0.contains(.ambiguousSurname)) && !$0.contains(.englishWord) }) {
                return .yes(.gazetteer, 0.8)
            }
        }
        // 6. Surnames alone: capitalised, not a word, not a place after a preposition.
        if f.contains(.surname) {
            // "okonkwo" in lower case: a surname that is no English word is still a surname.
            guard cap else {
                return t.letters >= 4 && f.isDisjoint(with: [.englishWord, .ambiguousSurname, .nonIdentifying, .place]) ? .yes(.gazetteer, 0.6) : .no
            }
            if f.contains(.ambiguousSurname) || f.contains(.englishWord) { return nextIsStrongVerb && !start ? .yes(.context, 0.6) : .no }
            if prevFlags.contains(.placePreposition) { return .no }
            return .yes(.gazetteer, 0.8)
        }
        // 7. Unknown capitalised words: a speech verb after, a possessive, or a capital in mid-sentence
        //    that is not a known place/brand and not right after a place preposition ("in Swindon").
        if cap && !t.isAllCaps && t.letters >= 3 && isUnknown(ctx, i) && !isCamelCaseBrand(ctx, i) {
            if nextIsStrongVerb { return .yes(.context, 0.75) }
            // "Jago's exams" (not "Jehovah's Witness": a capital after the possessive is a fixed phrase).
            if t.isPossessive && !(next.map { $0.isCapitalised } ?? false) { return .yes(.context, 0.6) }
            // "Marisol, 9, from Wrexham" / "Elowen (key worker)" / "Tayo (brother)".
            if let nx = next, nx.isPunct(0x2C), let a = ctx.token(i + 2), a.kind == .number, a.digits <= 2, ctx.isPunct(i + 3, 0x2C) || (ctx.token(i + 3)?.claimed ?? false) {
                return .yes(.context, 0.7)
            }
            if let nx = next, nx.isPunct(0x28), ctx.flags(i + 2).contains(.relation) || ctx.flags(i + 2).contains(.roleWord) || bracketCue(ctx, i) {
                return .yes(.context, 0.7)
            }
            if !start {
                let prev = ctx.token(i - 1)
                if let p = prev, p.kind == .punct, p.scalar != 0x2C {
                    // "Session cancelled - Tyrese was at …": after a dash or semicolon a clause starts,
                    // judged as a sentence start is (below).
                    guard [0x2D, 0x2013, 0x2014, 0x3B].contains(p.scalar), t.letters >= 4, let nx = next, !nx.newlineBefore,
                        nx.kind == .word, !nx.isCapitalised,
                        !nx.flags.isDisjoint(with: [.personVerb, .strongVerb, .actionVerb, .copula])  // "- Tyrese was", not "– Monzo account"
                    else { return .no }
                    return .yes(.context, 0.5)
                }
                // People do not take an article: "the Windrush generation", "a Supervet episode".
                if let p = prev, p.kind == .word, p.flags.contains(.article), !nextIsStrongVerb { return .no }
                if nextFlags.contains(.orgSuffix) || nextFlags.contains(.streetSuffix) { return .no }
                // A capital in mid-sentence is a proper noun, but only a person-shaped slot makes it a
                // name: "with X", "told X", "X said", "X's", "spoke to X" (not "loves Lego", "in Leeds").
                let spokenTo = (prev?.flags.contains(.to) ?? false) && ctx.flags(i - 2).contains(.spokeVerb)
                // After in/from/to/at/near an unknown capital is a place ("came from Cheddarford"),
                // unless an initial follows ("call from Lorcan T.").
                let initialNext = isInitial(ctx, i + 1) && adjacent(ctx, i, i + 1) && ctx.isPunct(i + 2, 0x2E)
                if prevFlags.contains(.placePreposition) && !spokenTo && !nextIsStrongVerb && !initialNext { return .no }
                let personSlot = prevFlags.contains(.personPrecursor) || spokenTo || nextIsPersonVerb || initialNext
                    || (next.map { $0.isPunct(0x2C) } ?? false) && ctx.flags(i + 2).contains(.personVerb)
                // A capital in mid-sentence on a word no list explains (not English, not a place,
                // brand or service) is a proper noun; outside a place slot, most often a person.
                return .yes(.context, personSlot ? 0.6 : 0.5)
            }
            // At the start of a sentence, an unexplained capitalised word followed by a lower-case
            // word ("Andrius lives…", "Tharshini told…") or "and"/"," is a name.
            if t.letters >= 4, let nx = next, !nx.newlineBefore, nx.kind == .word && !nx.isCapitalised || nx.isPunct(0x2C) {
                return .yes(.context, 0.5)
            }
            // "Ruairidh ("Rory" to his mates) admitted…": an unexplained word and a bracket.
            if t.letters >= 4, let nx = next, !nx.newlineBefore, nx.isPunct(0x28) { return .yes(.context, 0.5) }
            // A note headed by a name: "Senait – interpreter booked", "Hetal & brother Dhruv".
            if t.letters >= 3, let nx = next, !nx.newlineBefore, nx.spaceBefore, nx.isPunct(0x2013) || nx.isPunct(0x2014) || nx.isPunct(0x2D) || nx.isPunct(0x26) {
                return .yes(.context, 0.5)
            }
        }
        // 8. A capitalised dictionary word in a person's slot: a speech verb after it ("Temperance
        //    says…") or a relation in brackets ("Bear (her boyfriend)"), not after an article ("the Council said").
        if cap && !t.isAllCaps && t.letters >= 3 && f.contains(.englishWord)
            && f.isDisjoint(with: [.place, .properWord, .month, .weekday, .roleWord, .orgSuffix, .streetSuffix, .platform, .title, .relation, .personVerb])
            && !isCamelCaseBrand(ctx, i) && !(ctx.token(i - 1).map { $0.kind == .word && $0.flags.contains(.article) } ?? false)
            && !Self.quantifiers.contains(t.hash) && !isEnglishPlural(ctx, t)
            && (nextIsStrongVerb && !t.isPossessive && next.map({ Self.personSpeechVerbs.contains($0.hash) }) == true || roleInBrackets(ctx, i))
        {
            return .yes(.context, 0.6)
        }
        return .no
    }

    /// "Sunny (mum's partner)", "Mark (dad)", "Elowen (key worker)": a relation or role in brackets right after.
    /// Speech verbs that only a person does ("Temperance says"), not "Ideas shared", "Reports described".
    static let personSpeechVerbs = Set(["said", "says", "told", "tells", "asked", "asks", "admitted", "disclosed", "shouted", "cried",
                                         "replied", "texted", "messaged", "rang", "phoned", "insisted", "complained", "threatened"].map { WordHasher.hash($0) })
    static let quantifiers = Set(["several", "many", "few", "both", "most", "others", "some", "all", "each", "either", "neither", "none",
                                  "everybody", "anybody", "somebody", "lots", "loads", "plenty"].map { WordHasher.hash($0) })

    /// "Ideas", "Teachers": an English word plus a plural "s".
    static func isEnglishPlural(_ ctx: ScanContext, _ t: Token) -> Bool {
        guard t.length > 3, !t.isPossessive, lowerScalar(ctx.s[t.end - 1]) == 0x73 else { return false }
        return ctx.lex[WordHasher.hash(ctx.s[t.start..<(t.end - 1)])].contains(.englishWord)
    }

    /// A year group, an age or pronouns in brackets right after: "River (Y9, they/them)", "Kai (14)".
    static func bracketCue(_ ctx: ScanContext, _ i: Int) -> Bool {
        guard let b = ctx.token(i + 1), b.isPunct(0x28), !b.newlineBefore, let c = ctx.token(i + 2) else { return false }
        if c.kind == .alnum, c.letters == 1, c.digits >= 1, c.digits <= 2, (ctx.s[c.start] | 0x20) == 0x79 { return true }  // Y9
        if c.kind == .number, c.digits <= 2, ctx.isPunct(i + 3, 0x29) || ctx.isPunct(i + 3, 0x2C) { return true }  // (14)
        if c.kind == .word, Self.pronouns.contains(c.hash), ctx.isPunct(i + 3, 0x2F) { return true }  // (they/them)
        return false
    }
    static let pronouns = Set(["he", "she", "they", "him", "her", "them", "ze", "xe"].map { WordHasher.hash($0) })

    /// "Precious & nan go…", "Hetal and brother Dhruv": joined to a relation word.
    static func coordinatedWithRelation(_ ctx: ScanContext, _ i: Int) -> Bool {
        guard let c = ctx.token(i + 1), !c.newlineBefore, c.isPunct(0x26) || c.kind == .word && c.flags.contains(.conjunction) else { return false }
        return ctx.flags(i + 2).contains(.relation) && !ctx.flags(i).contains(.relation)
    }

    static let nicknameCues = Set(["called", "nicknamed", "aka", "as", "mate", "mates", "friend", "friends"].map { WordHasher.hash($0) })
    static let realHash = WordHasher.hash("real")

    /// One capitalised word alone in double quotes, with a relation or nickname cue before the quote
    /// or "(real name" after it.
    static func quotedNickname(_ ctx: ScanContext, _ i: Int) -> Bool {
        guard let open = ctx.token(i - 1), open.isPunct(0x22) || open.isPunct(0x201C),
            let close = ctx.token(i + 1), close.isPunct(0x22) || close.isPunct(0x201D), !close.spaceBefore
        else { return false }
        let before = ctx.token(i - 2)
        if let b = before, b.kind == .word, b.flags.contains(.relation) || Self.nicknameCues.contains(b.hash) { return true }
        if let p = ctx.token(i + 2), p.isPunct(0x28), let r = ctx.token(i + 3), r.kind == .word, r.hash == Self.realHash { return true }
        return false
    }

    /// Also with one lower-case word before the relation: "Star (younger sister)".
    static func roleInBrackets(_ ctx: ScanContext, _ i: Int) -> Bool {
        guard let b = ctx.token(i + 1), b.isPunct(0x28), !b.newlineBefore else { return false }
        let f = ctx.flags(i + 2)
        if f.contains(.relation) || f.contains(.roleWord) { return true }
        guard let w = ctx.token(i + 2), w.kind == .word, !w.isCapitalised else { return false }
        let g = ctx.flags(i + 3)
        return g.contains(.relation) || g.contains(.roleWord)
    }
}
