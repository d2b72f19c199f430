// Character classes over Unicode scalars, with ASCII fast paths. No regex engine anywhere in the
// hot path: every detector is a hand-written scanner over `[UInt32]`.

@inline(__always) func isASCIIDigit(_ c: UInt32) -> Bool { c &- 48 < 10 }
@inline(__always) func isASCIIUpper(_ c: UInt32) -> Bool { c &- 65 < 26 }
@inline(__always) func isASCIILower(_ c: UInt32) -> Bool { c &- 97 < 26 }
@inline(__always) func isASCIILetter(_ c: UInt32) -> Bool { isASCIIUpper(c) || isASCIILower(c) }
@inline(__always) func isASCIIAlnum(_ c: UInt32) -> Bool { isASCIILetter(c) || isASCIIDigit(c) }

/// Letters, including accented and non-Latin ones.
@inline(__always) func isLetter(_ c: UInt32) -> Bool {
    if c < 128 { return isASCIILetter(c) }
    guard let s = Unicode.Scalar(c) else { return false }
    return s.properties.isAlphabetic
}

@inline(__always) func isUpperLetter(_ c: UInt32) -> Bool {
    if c < 128 { return isASCIIUpper(c) }
    guard let s = Unicode.Scalar(c) else { return false }
    return s.properties.isUppercase
}

@inline(__always) func isApostrophe(_ c: UInt32) -> Bool { c == 0x27 || c == 0x2019 }
@inline(__always) func isHyphen(_ c: UInt32) -> Bool { c == 0x2D || c == 0x2010 || c == 0x2011 }
@inline(__always) func isWhitespace(_ c: UInt32) -> Bool {
    c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0xA0 || c == 0x0B || c == 0x0C || c == 0x2028 || c == 0x2029 || c == 0x202F
}
@inline(__always) func isNewline(_ c: UInt32) -> Bool { c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029 }

/// Lower-cases one scalar for hashing: ASCII and Latin-1 directly, others through Unicode properties.
@inline(__always) func lowerScalar(_ c: UInt32) -> UInt32 {
    if c < 128 { return isASCIIUpper(c) ? c + 32 : c }
    if c >= 0xC0 && c <= 0xDE && c != 0xD7 { return c + 32 }
    if c < 0x100 { return c }
    guard let s = Unicode.Scalar(c), s.properties.isUppercase else { return c }
    return s.properties.lowercaseMapping.unicodeScalars.first.map { $0.value } ?? c
}

/// FNV-1a over lower-cased scalars: the key of every word-list lookup (no String allocation per token).
struct WordHasher {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) mutating func add(_ c: UInt32) {
        var v = lowerScalar(c)
        // Fold the typographic apostrophe into the ASCII one so "O’Neill" == "O'Neill".
        if v == 0x2019 { v = 0x27 }
        value = (value ^ UInt64(v)) &* 0x100_0000_01b3
    }
    /// Adds a scalar already known to be lower-case ASCII.
    @inline(__always) mutating func addLowerASCII(_ c: UInt32) {
        value = (value ^ UInt64(c)) &* 0x100_0000_01b3
    }
    static func hash<S: Sequence<UInt32>>(_ scalars: S) -> UInt64 {
        var h = WordHasher()
        for c in scalars { h.add(c) }
        return h.value
    }
    static func hash(_ word: String) -> UInt64 { hash(word.unicodeScalars.lazy.map(\.value)) }
}
