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

/// The base letter of a lower-case Latin letter with a diacritic (Latin-1 and Latin Extended-A), else `c`.
@inline(__always) func foldDiacritic(_ c: UInt32) -> UInt32 {
    if c <= 0xFF {
        switch c {
        case 0xE0...0xE5: return 0x61
        case 0xE7: return 0x63
        case 0xE8...0xEB: return 0x65
        case 0xEC...0xEF: return 0x69
        case 0xF1: return 0x6E
        case 0xF2...0xF6, 0xF8: return 0x6F
        case 0xF9...0xFC: return 0x75
        case 0xFD, 0xFF: return 0x79
        default: return c
        }
    }
    guard c <= 0x17F else { return c == 0x219 ? 0x73 : c == 0x21B ? 0x74 : c }  // ș ț (Romanian comma-below)
    switch c {
    case 0x101, 0x103, 0x105: return 0x61
    case 0x107, 0x109, 0x10B, 0x10D: return 0x63
    case 0x10F, 0x111: return 0x64
    case 0x113, 0x115, 0x117, 0x119, 0x11B: return 0x65
    case 0x11F, 0x121, 0x123: return 0x67
    case 0x129, 0x12B, 0x12D, 0x12F, 0x131: return 0x69
    case 0x142, 0x13E, 0x13C, 0x13A: return 0x6C
    case 0x144, 0x146, 0x148: return 0x6E
    case 0x14D, 0x14F, 0x151: return 0x6F
    case 0x155, 0x157, 0x159: return 0x72
    case 0x15B, 0x15D, 0x15F, 0x161: return 0x73
    case 0x163, 0x165: return 0x74
    case 0x169, 0x16B, 0x16D, 0x16F, 0x171, 0x173: return 0x75
    case 0x17A, 0x17C, 0x17E: return 0x7A
    default: return c
    }
}

/// FNV-1a over lower-cased scalars: the key of every word-list lookup (no String allocation per token).
struct WordHasher {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) mutating func add(_ c: UInt32) {
        var v = lowerScalar(c)
        // Fold the typographic apostrophe into the ASCII one so "O’Neill" == "O'Neill", and Latin
        // letters with diacritics into their base letter so "Siobhán" == "Siobhan", "Łukasz" == "Lukasz".
        if v >= 0xE0 { v = foldDiacritic(v) } else if v == 0x2019 { v = 0x27 }
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
