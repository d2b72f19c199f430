// Tokens: one pass over the scalars produces words, numbers, punctuation and placeholders.
// Kept small (48 bytes): every detector copies tokens in its inner loop.

struct Token {
    enum Kind: UInt8 { case word, number, alnum, punct, placeholder }

    private var _start: Int32
    private var _end: Int32
    private var _fullEnd: Int32
    /// For punct tokens: the scalar. For placeholders: unused.
    var scalar: UInt32 = 0
    /// Hash of the lower-cased scalars in start..<end (see `WordHasher`).
    var hash: UInt64
    /// Lexicon flags of a word token (empty for other kinds), looked up once per pass.
    var flags: WordFlags = []
    private var _digits: UInt16 = 0
    private var _letters: UInt16 = 0
    var kind: Kind
    /// The placeholder's label when kind == .placeholder.
    var placeholderLabel: RedactionLabel? = nil
    private var bits: UInt8 = 0

    init(kind: Kind, start: Int, end: Int, fullEnd: Int, hash: UInt64) {
        self.kind = kind
        self._start = Int32(truncatingIfNeeded: start)
        self._end = Int32(truncatingIfNeeded: end)
        self._fullEnd = Int32(truncatingIfNeeded: fullEnd)
        self.hash = hash
    }

    /// Scalar offsets of the token, end exclusive. For a possessive word ("Amira's") `end` stops
    /// before the apostrophe and `fullEnd` includes the "'s".
    var start: Int { Int(_start) }
    var end: Int { Int(_end) }
    var fullEnd: Int { Int(_fullEnd) }
    var digits: Int { get { Int(_digits) } set { _digits = UInt16(clamping: newValue) } }
    var letters: Int { get { Int(_letters) } set { _letters = UInt16(clamping: newValue) } }

    @inline(__always) private func bit(_ k: UInt8) -> Bool { bits & (1 << k) != 0 }
    @inline(__always) private mutating func set(_ k: UInt8, _ v: Bool) { if v { bits |= 1 << k } else { bits &= ~(1 << k) } }
    var isCapitalised: Bool { get { bit(0) } set { set(0, newValue) } }
    var isAllCaps: Bool { get { bit(1) } set { set(1, newValue) } }
    var isPossessive: Bool { get { bit(2) } set { set(2, newValue) } }
    var newlineBefore: Bool { get { bit(3) } set { set(3, newValue) } }
    var spaceBefore: Bool { get { bit(4) } set { set(4, newValue) } }
    /// Set once a detector has claimed this token: later detectors skip it.
    var claimed: Bool { get { bit(5) } set { set(5, newValue) } }
    /// The word holds an "_" (the tokenizer keeps it inside words): lets handle checks skip the scalars.
    var hasUnderscore: Bool { get { bit(6) } set { set(6, newValue) } }

    var length: Int { end - start }
    @inline(__always) func isPunct(_ c: UInt32) -> Bool { kind == .punct && scalar == c }
    var isWord: Bool { kind == .word }
}

/// What one text's tokens hold, gathered while tokenizing: the kinds present, the union of the
/// words' lexicon flags, and whether any word has an underscore. A detector whose trigger is absent
/// skips the note without walking its tokens (the answer is the same, only faster).
struct TokenSummary {
    private var kinds: UInt8 = 0
    private(set) var wordFlags: WordFlags = []
    private(set) var hasUnderscore = false

    @inline(__always) mutating func add(_ t: Token) {
        kinds |= 1 << t.kind.rawValue
        wordFlags.formUnion(t.flags)
        hasUnderscore = hasUnderscore || t.hasUnderscore
    }

    @inline(__always) func has(_ kind: Token.Kind) -> Bool { kinds & (1 << kind.rawValue) != 0 }
    /// Any number or alphanumeric token: some digit in the text.
    var hasDigits: Bool { has(.number) || has(.alnum) }
}
