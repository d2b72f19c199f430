// The lexicon: every shipped word list folded into one hash → flags table, built once on first use.

/// Namespace for the shipped word lists (see `GivenNames.swift`, `Surnames.swift`, …).
enum Gazetteer {}

/// Flags a word can carry. One word can carry several (e.g. "may": given name, ambiguous, month).
struct WordFlags: OptionSet, Sendable {
    let rawValue: UInt64
    static let givenName = WordFlags(rawValue: 1 << 0)
    static let surname = WordFlags(rawValue: 1 << 1)
    static let ambiguousName = WordFlags(rawValue: 1 << 2)
    static let ambiguousSurname = WordFlags(rawValue: 1 << 3)
    static let nonIdentifying = WordFlags(rawValue: 1 << 4)
    static let title = WordFlags(rawValue: 1 << 5)
    static let relation = WordFlags(rawValue: 1 << 6)
    static let personVerb = WordFlags(rawValue: 1 << 7)
    static let streetSuffix = WordFlags(rawValue: 1 << 8)
    static let strongStreetSuffix = WordFlags(rawValue: 1 << 9)
    static let orgSuffix = WordFlags(rawValue: 1 << 10)
    static let placePreposition = WordFlags(rawValue: 1 << 11)
    static let month = WordFlags(rawValue: 1 << 12)
    static let platform = WordFlags(rawValue: 1 << 13)
    static let ageWord = WordFlags(rawValue: 1 << 14)
    static let subjectWord = WordFlags(rawValue: 1 << 15)
    static let place = WordFlags(rawValue: 1 << 16)
    static let englishWord = WordFlags(rawValue: 1 << 17)
    // Small closed sets used by single detectors (folded in so one lookup per token serves all).
    static let flatWord = WordFlags(rawValue: 1 << 20)
    static let streetPrep = WordFlags(rawValue: 1 << 21)
    static let aged = WordFlags(rawValue: 1 << 22)
    static let ageLocPrep = WordFlags(rawValue: 1 << 23)
    static let old = WordFlags(rawValue: 1 << 24)
    static let of = WordFlags(rawValue: 1 << 25)
    static let birthCue = WordFlags(rawValue: 1 << 26)
    static let conjunction = WordFlags(rawValue: 1 << 27)
    static let to = WordFlags(rawValue: 1 << 28)
    static let spokeVerb = WordFlags(rawValue: 1 << 29)
    static let strongVerb = WordFlags(rawValue: 1 << 30)
    static let dateCue = WordFlags(rawValue: 1 << 31)
    static let saint = WordFlags(rawValue: 1 << 32)
    static let connector = WordFlags(rawValue: 1 << 33)
    static let yearWord = WordFlags(rawValue: 1 << 34)
    static let urlStart = WordFlags(rawValue: 1 << 35)
    /// Words written with a capital anyway (months, seasons, faiths): a capital says nothing.
    static let properWord = WordFlags(rawValue: 1 << 36)
    /// Verbs of doing that follow people rather than abstract nouns ("Grace went", not "Hope is").
    static let actionVerb = WordFlags(rawValue: 1 << 37)
    /// Adjectives of feeling/behaviour after "is/was" that mark a person ("Grace was upset").
    static let personAdjective = WordFlags(rawValue: 1 << 38)
    static let copula = WordFlags(rawValue: 1 << 39)
    static let handleFiller = WordFlags(rawValue: 1 << 40)
    static let postcodeCue = WordFlags(rawValue: 1 << 41)
    /// Words after which a capitalised word is a person ("with X", "told X", "met X").
    static let personPrecursor = WordFlags(rawValue: 1 << 42)
    /// Roles written in brackets after a name: "Amira (client)", "Sue (key worker)".
    static let roleWord = WordFlags(rawValue: 1 << 43)
    /// Weekdays, full and short ("Thursday", "Weds", "Fri"): with a day of the month they make a date.
    static let weekday = WordFlags(rawValue: 1 << 44)
    /// Words that end a house name ("Rose Cottage", "The Old Forge").
    static let houseWord = WordFlags(rawValue: 1 << 45)
    /// Lower-case words that end an organisation after a capitalised place ("Bedminster swim club").
    static let groupWord = WordFlags(rawValue: 1 << 46)
    /// Words before a number that make "3/10" a score, not a day/month ("mood 3/10").
    static let scaleWord = WordFlags(rawValue: 1 << 47)
    /// Email providers, for addresses spelled out to dodge filters ("kez at gmail dot com").
    static let mailProvider = WordFlags(rawValue: 1 << 48)
    /// Verbs of reading, watching and playing: a capitalised run after one is a title ("reading Harry Potter").
    static let mediaVerb = WordFlags(rawValue: 1 << 49)
    /// Digit words and "double"/"triple" for numbers read out ("oh seven double two"): the flag
    /// gates the detector's value lookup, so an ordinary word costs no dictionary probe.
    static let digitWord = WordFlags(rawValue: 1 << 50)
    static let repeatWord = WordFlags(rawValue: 1 << 51)
    /// "account", "username", "handle": a handle may follow, as after a platform name.
    static let accountWord = WordFlags(rawValue: 1 << 52)
    /// "the", "a", "an".
    static let article = WordFlags(rawValue: 1 << 53)
    /// Welsh organisation words that come first: "Ysgol Bro Taf", "Capel Bethel".
    static let welshOrgLead = WordFlags(rawValue: 1 << 54)
    /// "underscore", spelled out inside a handle ("riv underscore draws").
    static let underscoreWord = WordFlags(rawValue: 1 << 55)

    /// Flags that say something about the word other than "it is in the English dictionary".
    static let known: WordFlags = WordFlags(rawValue: (1 << 17) - 1)
}

/// Word hash → flags, plus month numbers. Immutable after construction, so safely shared.
struct Lexicon: Sendable {
    private var table = FlagTable(capacity: 1 << 18)
    private(set) var monthNumbers: [UInt64: Int] = [:]

    @inline(__always) subscript(hash: UInt64) -> WordFlags { WordFlags(rawValue: table[hash]) }

    /// The shipped lexicon, built on first use (thread-safe lazy global).
    static let shared = Lexicon()

    private init() {
        add(Gazetteer.givenNames, .givenName)
        add(Gazetteer.surnames, .surname)
        add(Gazetteer.ambiguousNames, .ambiguousName)
        add(Gazetteer.ambiguousSurnames, .ambiguousSurname)
        add(Gazetteer.nonIdentifying, .nonIdentifying)
        add(Gazetteer.titles, .title)
        add(Gazetteer.relations, .relation)
        add(Gazetteer.personVerbs, .personVerb)
        add(Gazetteer.streetSuffixes, .streetSuffix)
        add(Gazetteer.strongStreetSuffixes, .strongStreetSuffix)
        add(Gazetteer.organisationSuffixes, .orgSuffix)
        add(Gazetteer.placePrepositions, .placePreposition)
        add(Gazetteer.platforms, .platform)
        add(Gazetteer.ageWords, .ageWord)
        add(Gazetteer.subjectWords, .subjectWord)
        add(Gazetteer.places, .place)
        // "nando's", "sainsbury's": the tokenizer reads the stem ("Nando") with a possessive mark.
        add(Gazetteer.places.split(whereSeparator: \.isWhitespace).filter { $0.hasSuffix("'s") }.map { $0.dropLast(2) }.joined(separator: " "), .place)
        add(Gazetteer.abbreviations, .nonIdentifying)
        add(Gazetteer.englishWords, .englishWord)
        // Generated from Faker's locale lists (Scripts/gen-faker-names.py). A word some hand list
        // already marks as a place, a common word, a title, a month… keeps only that meaning.
        addNames(Gazetteer.fakerGivenNames, .givenName)
        addNames(Gazetteer.fakerSurnames, .surname)
        add("monday tuesday wednesday thursday friday saturday sunday mon tue tues wed weds thu thur thurs fri sat sun", .weekday)
        add("cottage cottages house farm farmhouse lodge barn mill forge vicarage rectory manor grange bungalow villa cabin nook site", .houseWord)
        add("club group team society squad", .groupWord)
        add("mood score scored scores rated rating rate scale level levels gad phq core sleep pain anxiety marks", .scaleWord)
        add("gmail googlemail hotmail yahoo ymail outlook icloud btinternet aol protonmail proton msn sky virginmedia talktalk", .mailProvider)
        // The number detector's own word tables, so the flag and the values never disagree.
        for h in PhoneDetector.digitWords.keys { table.insert(h, WordFlags.digitWord.rawValue) }
        for h in PhoneDetector.repeatWords.keys { table.insert(h, WordFlags.repeatWord.rawValue) }
        add("account accounts username handle profile", .accountWord)
        add("the a an", .article)
        add("underscore", .underscoreWord)
        add("ysgol capel eglwys canolfan coleg meithrinfa", .welshOrgLead)
        add("reading read reads watched watching watch watches playing played plays play listening listens listened", .mediaVerb)
        // Contractions of "I" and languages/nationalities missing from the common words: never names.
        // Words of the work that are capitalised but name nobody: exam boards, festivals, children's
        // shows, techniques and services a UK caseload mentions.
        add("edexcel aqa ocr wjec ccea sqa btec btecs pongal vaisakhi baisakhi navratri onam hanukkah chanukah purim nowruz holi lohri bluey peppa pomodoro creche crèche makaton", .nonIdentifying)
        // People named by what they are in the work, at a sentence start ("Student disclosed…").
        add("student students pupil pupils caller callers learner resident victim perpetrator perp tenant survivor complainant offender mentee attendee participant", .nonIdentifying)
        add("student pupil learner resident victim perpetrator perp tenant survivor offender mentee", .roleWord)
        add("i'll i'm i've i'd slovak slovakian czech tigrinya amharic pashto dari farsi lithuanian latvian albanian romani eritrean ethiopian", .nonIdentifying)
        add("flat apartment apt unit room house pitch plot berth", .flatWord)
        add("on in at off near along down up to from of onto past by", .streetPrep)
        add("aged age", .aged)
        add("from in of near", .ageLocPrep)
        add("old", .old)
        add("of", .of)
        add("born dob birth birthday", .birthCue)
        add("and or", .conjunction)
        add("to", .to)
        add("spoke talked talking speaking said told wrote sent chatted explained introduced listened replied texted messaged", .spokeVerb)
        add("said says told tells texted texts messaged rang phoned called emailed mentioned reported explained asked admitted shared disclosed described shouted threatened cried replied wrote posted insisted complained", .strongVerb)
        add("in of since until till by last next early late mid end this from before after during", .dateCue)
        add("st saint ss", .saint)
        add("of the and for de la le", .connector)
        add("year-old years-old yr-old yo year years yrs yr", .yearWord)
        add("http https www", .urlStart)
        add("january february march april may june july august september october november december summer autumn winter spring christian christmas easter eve", .properWord)
        add(Gazetteer.schoolSubjects, .properWord)
        add(Gazetteer.schoolSubjects, .nonIdentifying)
        add("has had wants wanted needs needed lives lived stays stayed moved went goes came comes attends attended started left visits visited cried hit pushed got keeps kept joined arrived refused denied promised decided agreed talked talks spoke speaks laughed smiled drew draws made makes brought took gave ran sat slept ate missed lost won tried walked wore sang danced fell broke stole thinks thought feels felt knows knew hates loves likes doesn't didn't won't can't hasn't isn't wasn't", .actionVerb)
        add("upset angry sad happy worried anxious scared frightened tearful quiet late absent excluded suspended tired withdrawn distressed calm calmer chatty engaged low drunk high pregnant ill unwell poorly missing annoyed furious jealous lonely", .personAdjective)
        add("is handle name username user account id as", .handleFiller)
        add("postcode post code area district", .postcodeCue)
        add("client yp pt patient key support youth social worker teacher tutor mentor carer parent guardian sw gp nurse counsellor interpreter advocate", .roleWord)
        add("with met meet meeting saw see seeing seen told tell asked ask called call texted text rang ring visited visit messaged message phoned emailed about by thanked hugged blamed dating fancies trusts invited invite named nicknamed between against behind beside including involving re", .personPrecursor)
        add("is was seems seemed looks looked sounds sounded felt feels he's she's they're", .copula)
        for (m, n) in Gazetteer.months {
            let h = WordHasher.hash(m)
            table.insert(h, WordFlags.month.rawValue)
            monthNumbers[h] = n
        }
    }

    /// Adds names from a generated list, skipping any word a hand-written list already gives another
    /// meaning (place, common word, title, relation, month, verb, suffix…).
    private mutating func addNames(_ list: String, _ flag: WordFlags) {
        let other = WordFlags.known.subtracting([.givenName, .surname, .ambiguousName, .ambiguousSurname])
        for word in list.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let h = WordHasher.hash(word.unicodeScalars.lazy.map(\.value))
            if WordFlags(rawValue: table[h]).isDisjoint(with: other) { table.insert(h, flag.rawValue) }
        }
    }

    /// Adds every space/newline-separated word of `list`, hashing scalars as they stream past.
    private mutating func add(_ list: String, _ flag: WordFlags) {
        var h = WordHasher()
        var length = 0
        for u in list.unicodeScalars {
            if u == " " || u == "\n" {
                if length > 0 { table.insert(h.value, flag.rawValue) }
                h = WordHasher()
                length = 0
            } else {
                h.add(u.value)
                length += 1
            }
        }
        if length > 0 { table.insert(h.value, flag.rawValue) }
    }

    /// Number of distinct given names and surnames shipped (for docs and tests).
    var nameCount: (given: Int, surnames: Int) {
        let v = table.allValues.map(WordFlags.init(rawValue:))
        return (v.filter { $0.contains(.givenName) }.count, v.filter { $0.contains(.surname) }.count)
    }
}

/// Open-addressing hash table from word hash (already FNV-mixed) to OR-ed flag bits.
/// Key 0 marks an empty slot. Faster than `Dictionary` (no SipHash re-hash of the key).
struct FlagTable: Sendable {
    /// Interleaved (key, value) pairs so a probe touches one cache line.
    private var slots: [UInt64]
    private let mask: Int

    init(capacity: Int) {
        slots = [UInt64](repeating: 0, count: capacity * 2)
        mask = capacity - 1
    }

    @inline(__always) private func slot(_ h: UInt64) -> Int { Int(truncatingIfNeeded: h ^ (h >> 31)) & mask }

    @inline(__always) subscript(h: UInt64) -> UInt64 {
        slots.withUnsafeBufferPointer { p in
            var i = slot(h)
            while true {
                let k = p[2 * i]
                if k == h { return p[2 * i + 1] }
                if k == 0 { return 0 }
                i = (i + 1) & mask
            }
        }
    }

    mutating func insert(_ h: UInt64, _ bits: UInt64) {
        precondition(h != 0)
        var i = slot(h)
        while slots[2 * i] != 0 && slots[2 * i] != h { i = (i + 1) & mask }
        slots[2 * i] = h
        slots[2 * i + 1] |= bits
    }

    var allValues: [UInt64] { stride(from: 1, to: slots.count, by: 2).map { slots[$0] }.filter { $0 != 0 } }
}
