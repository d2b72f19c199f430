// Social handles written without "@": "Snapchat: lilz_xo", "her insta is megz.2009".

enum HandleDetector {
    /// After a platform word (and optional "is", ":", "-", "handle", "name", "username"), a token
    /// that looks like a handle: has "_" / "." / digits, or is a lower-case non-word.
    static func detect(_ ctx: inout ScanContext) {
        var i = 0
        while i < ctx.tokens.count {
            defer { i += 1 }
            guard ctx.tokens[i].flags.contains(.platform) else { continue }
            var j = i + 1
            var hops = 0
            while j < ctx.tokens.count, hops < 3 {
                let t = ctx.tokens[j]
                if t.kind == .punct && (t.scalar == 0x3A || t.scalar == 0x2D || t.scalar == 0x3D) || t.flags.contains(.handleFiller) {
                    j += 1
                    hops += 1
                } else {
                    break
                }
            }
            guard hops > 0, j < ctx.tokens.count, !ctx.tokens[j].claimed, !ctx.tokens[j].newlineBefore else { continue }
            let first = ctx.tokens[j]
            guard first.kind != .punct, first.kind != .placeholder else { continue }
            // Glue "megz" "." "2009" / "lilz" "_" … into one handle: no spaces inside.
            var end = j
            while end + 1 < ctx.tokens.count, !ctx.tokens[end + 1].spaceBefore, ctx.tokens[end + 1].kind != .placeholder {
                let n = ctx.tokens[end + 1]
                if n.kind == .punct && n.scalar == 0x2E, end + 2 < ctx.tokens.count, !ctx.tokens[end + 2].spaceBefore, ctx.tokens[end + 2].kind != .punct {
                    end += 2
                } else if n.kind != .punct {
                    end += 1
                } else {
                    break
                }
            }
            let glued = end > j
            let raw = ctx.s[first.start..<ctx.tokens[end].end]
            let looksLikeHandle = glued || raw.contains(0x5F) || first.digits > 0
                || (!first.isCapitalised && first.flags.isDisjoint(with: [.englishWord, .nonIdentifying]) && first.letters >= 3)
            if looksLikeHandle { ctx.claimTokens(j, end, .handle, .context, 0.8) }
        }
    }
}
