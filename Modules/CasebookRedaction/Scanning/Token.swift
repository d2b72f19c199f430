// Tokens: one pass over the scalars produces words, numbers, punctuation and placeholders.

struct Token {
    enum Kind: UInt8 { case word, number, alnum, punct, placeholder }
    var kind: Kind
    /// Scalar offsets of the token, end exclusive. For a possessive word ("Amira's") `end` stops
    /// before the apostrophe and `fullEnd` includes the "'s".
    var start: Int
    var end: Int
    var fullEnd: Int
    /// Hash of the lower-cased scalars in start..<end (see `WordHasher`).
    var hash: UInt64
    /// Lexicon flags of a word token (empty for other kinds), looked up once per pass.
    var flags: WordFlags = []
    /// For punct tokens: the scalar. For placeholders: unused.
    var scalar: UInt32 = 0
    var isCapitalised = false
    var isAllCaps = false
    var isPossessive = false
    var newlineBefore = false
    var spaceBefore = false
    var digits = 0
    var letters = 0
    /// The placeholder's label when kind == .placeholder.
    var placeholderLabel: RedactionLabel? = nil
    /// Set once a detector has claimed this token: later detectors skip it.
    var claimed = false

    var length: Int { end - start }
    @inline(__always) func isPunct(_ c: UInt32) -> Bool { kind == .punct && scalar == c }
    var isWord: Bool { kind == .word }
}
