// UK postcodes by grammar: outward code (A9, A99, AA9, AA99, A9A, AA9A) + inward code (9AA).

public enum Postcode {
    static func set(_ s: String) -> Set<UInt32> { Set(s.unicodeScalars.map(\.value)) }
    static let notFirst = set("QVX")
    static let notSecond = set("IJZ")
    static let thirdOfA9A = set("ABCDEFGHJKPSTUW")
    static let fourthOfAA9A = set("ABEHMNPRVWXY")
    static let notInward = set("CIKMOV")

    /// True for a valid outward code (upper-case scalars).
    static func isOutward(_ u: ArraySlice<UInt32>) -> Bool {
        let c = Array(u)
        func L(_ k: Int) -> Bool { isASCIIUpper(c[k]) }
        func D(_ k: Int) -> Bool { isASCIIDigit(c[k]) }
        guard c.count >= 2, c.count <= 4, L(0), !notFirst.contains(c[0]) else { return false }
        switch c.count {
        case 2: return D(1)
        case 3:
            if D(1) && D(2) { return true }  // A99
            if L(1) && D(2) { return !notSecond.contains(c[1]) }  // AA9
            if D(1) && L(2) { return thirdOfA9A.contains(c[2]) }  // A9A
            return false
        default:
            if L(1) && D(2) && D(3) { return !notSecond.contains(c[1]) }  // AA99
            if L(1) && D(2) && L(3) { return !notSecond.contains(c[1]) && fourthOfAA9A.contains(c[3]) }  // AA9A
            return false
        }
    }

    /// True for a valid inward code (upper-case scalars).
    static func isInward(_ u: ArraySlice<UInt32>) -> Bool {
        let c = Array(u)
        return c.count == 3 && isASCIIDigit(c[0]) && isASCIIUpper(c[1]) && isASCIIUpper(c[2])
            && !notInward.contains(c[1]) && !notInward.contains(c[2])
    }

    /// Upper-cases when the letters are all one case; nil for mixed case ("Bs1" is not a postcode).
    static func normalised(_ u: ArraySlice<UInt32>) -> [UInt32]? {
        let letters = u.filter(isASCIILetter)
        if letters.allSatisfy(isASCIIUpper) { return Array(u) }
        if letters.allSatisfy(isASCIILower) { return u.map { isASCIILower($0) ? $0 - 32 : $0 } }
        return nil
    }

    /// True for "BS1 4DJ", "SW1A1AA", "m1 1ae" (one letter case throughout).
    public static func isValid(_ text: String) -> Bool {
        let u = Array(text.unicodeScalars.map(\.value))
        guard let c = normalised(u[...]) else { return false }
        if let sp = c.firstIndex(of: 0x20) {
            return c.lastIndex(of: 0x20) == sp && isOutward(c[..<sp]) && isInward(c[(sp + 1)...])
        }
        return c.count >= 5 && c.count <= 7 && isOutward(c[..<(c.count - 3)]) && isInward(c[(c.count - 3)...])
    }

    static func detect(_ ctx: inout ScanContext) {
        guard ctx.summary.has(.alnum) else { return }  // every form below starts at an alphanumeric token
        let s = ctx.s
        var i = 0
        while i < ctx.tokens.count {
            let t = ctx.tokens[i]
            guard !t.claimed, t.kind == .alnum, !t.isPossessive else {
                i += 1
                continue
            }
            if t.length >= 2 && t.length <= 4, let next = ctx.token(i + 1), next.kind == .alnum, next.length == 3,
                next.spaceBefore, !next.newlineBefore, !next.claimed,
                let c = normalised(s[t.start..<next.end].filter { $0 != 0x20 && $0 != 0xA0 }[...]),
                isOutward(c[..<(c.count - 3)]), isInward(c[(c.count - 3)...]), next.end - t.start == t.length + 1 + 3
            {
                ctx.claimTokens(i, i + 1, .postcode, .pattern, 0.97)
                i += 2
                continue
            }
            if t.length >= 5 && t.length <= 7, let c = normalised(s[t.start..<t.end]),
                isOutward(c[..<(c.count - 3)]), isInward(c[(c.count - 3)...])
            {
                ctx.claimTokens(i, i, .postcode, .pattern, 0.95)
            } else if t.length >= 2 && t.length <= 4, isASCIIUpper(s[t.start]), isOutward(s[t.start..<t.end]),
                ctx.flags(i - 1).contains(.postcodeCue) || ctx.flags(i + 1).contains(.postcodeCue)
                    || (t.length >= 3 && isASCIIUpper(s[t.start + 1]) && ctx.flags(i - 1).contains(.placePreposition))
            {
                // A district on its own ("lives in BS5", "the LS6 area"): still narrows where someone lives.
                ctx.claimTokens(i, i, .postcode, .pattern, 0.75)
            }
            i += 1
        }
    }
}
