// Social handles written without "@": "Snapchat: lilz_xo", "her insta is megz.2009".

enum HandleDetector {
    /// After a platform word (and optional "is", ":", "-", "handle", "name", "username"), a token
    /// that looks like a handle: has "_" / "." / digits, or is a lower-case non-word.
    static func detect(_ ctx: inout ScanContext) {
        var i = 0
        while i < ctx.tokens.count {
            defer { i += 1 }
            // A platform word, or "account"/"username" with a comma ("their art account, riv_draws").
            let platform = ctx.tokens[i].flags.contains(.platform)
            guard platform || ctx.tokens[i].flags.contains(.accountWord) else { continue }
            var j = i + 1
            var hops = 0
            while j < ctx.tokens.count, hops < 3 {
                let t = ctx.tokens[j]
                if t.kind == .punct && (t.scalar == 0x3A || t.scalar == 0x2D || t.scalar == 0x3D || !platform && t.scalar == 0x2C) || t.flags.contains(.handleFiller) {
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
                || platform && (!first.isCapitalised && first.flags.isDisjoint(with: [.englishWord, .nonIdentifying]) && first.letters >= 3)
            if looksLikeHandle {
                ctx.claimTokens(j, end, .handle, .context, 0.8)
            } else if let e = spelledHandle(ctx, j) {
                ctx.claimTokens(j, e, .handle, .context, 0.75)
            }
        }
        detectAnywhere(&ctx)
    }

    static let underscoreHash = WordHasher.hash("underscore")

    /// "riv underscore draws": words joined by a spelled-out underscore; returns the last token.
    static func spelledHandle(_ ctx: ScanContext, _ j: Int) -> Int? {
        var end = j
        while let u = ctx.token(end + 1), u.kind == .word, u.hash == underscoreHash, !u.claimed,
            let w = ctx.token(end + 2), w.kind != .punct, w.kind != .placeholder, !w.claimed, !w.newlineBefore { end += 2 }
        return end > j ? end : nil
    }

    /// Handle-shaped anywhere: a glued run with an underscore between letters or digits ("rory.mac_99"),
    /// or words joined by a spelled-out "underscore". Emails and web addresses are claimed before this runs.
    static func detectAnywhere(_ ctx: inout ScanContext) {
        // Both forms need an underscore, written or spelled out.
        guard ctx.summary.hasUnderscore || ctx.summary.wordFlags.contains(.underscoreWord) else { return }
        var i = 0
        while i < ctx.tokens.count {
            let t = ctx.tokens[i]
            guard !t.claimed, t.kind != .punct, t.kind != .placeholder else { i += 1; continue }
            var end = i
            var underscore = false
            while end + 1 < ctx.tokens.count, !ctx.tokens[end + 1].spaceBefore, !ctx.tokens[end + 1].claimed, ctx.tokens[end + 1].kind != .placeholder {
                let n = ctx.tokens[end + 1]
                if n.kind == .punct && (n.scalar == 0x2E || n.scalar == 0x5F), end + 2 < ctx.tokens.count, !ctx.tokens[end + 2].spaceBefore,
                    ctx.tokens[end + 2].kind != .punct, !ctx.tokens[end + 2].claimed
                {
                    underscore = underscore || n.scalar == 0x5F
                    end += 2
                } else if n.kind != .punct {
                    end += 1
                } else {
                    break
                }
            }
            if !underscore, ctx.tokens[i...end].contains(where: \.hasUnderscore) {
                underscore = ctx.s[t.start..<ctx.tokens[end].end].dropFirst().dropLast().contains(0x5F)
            }
            if underscore, ctx.s[t.start..<ctx.tokens[end].end].contains(where: isASCIILetter) {
                ctx.claimTokens(i, end, .handle, .context, 0.7)
            } else if t.kind == .word, let e = spelledHandle(ctx, i), i == 0 || !ctx.tokens[i - 1].isPunct(0x40) {
                ctx.claimTokens(i, e, .handle, .context, 0.7)
                end = e
            }
            i = end + 1
        }
    }
}
