// The lexicon: every shipped word list folded into one hash → flags table, built once on first use.

/// Namespace for the shipped word lists (see `GivenNames.swift`, `Surnames.swift`, …).
enum Gazetteer {}

/// Flags a word can carry. One word can carry several (e.g. "may": given name, ambiguous, month).
struct WordFlags: OptionSet, Sendable {
    let rawValue: UInt32
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

    /// Flags that say something about the word other than "it is in the English dictionary".
    static let known: WordFlags = WordFlags(rawValue: (1 << 17) - 1)
}

/// Word hash → flags, plus month numbers. Immutable after construction, so safely shared.
struct Lexicon: Sendable {
    private(set) var flags: [UInt64: WordFlags] = [:]
    private(set) var monthNumbers: [UInt64: Int] = [:]

    @inline(__always) subscript(hash: UInt64) -> WordFlags { flags[hash] ?? [] }

    /// The shipped lexicon, built on first use (thread-safe lazy global).
    static let shared = Lexicon()

    private init() {
        flags.reserveCapacity(80_000)
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
        add(Gazetteer.englishWords, .englishWord)
        for (m, n) in Gazetteer.months {
            let h = WordHasher.hash(m)
            flags[h, default: []].insert(.month)
            monthNumbers[h] = n
        }
    }

    private mutating func add(_ list: String, _ flag: WordFlags) {
        for word in list.split(whereSeparator: { $0 == " " || $0 == "\n" }) where !word.isEmpty {
            flags[WordHasher.hash(String(word)), default: []].insert(flag)
        }
    }

    /// Number of distinct given names and surnames shipped (for docs and tests).
    var nameCount: (given: Int, surnames: Int) {
        (flags.values.filter { $0.contains(.givenName) }.count, flags.values.filter { $0.contains(.surname) }.count)
    }
}
