import CasebookCrypto
import CasebookModels
import CasebookSync
import Foundation
import Hummingbird
import Metrics
import Logging
import HTTPTypes

/// The opaque pull cursor: base64url of `v1:SEQ`. Opaque so the encoding can change without
/// breaking clients; versioned so an old cursor is recognised.
enum PullCursor {
    static func encode(_ seq: Int64) -> String {
        Data("v1:\(seq)".utf8).base64URLEncodedString()
    }

    static func decode(_ text: String?) throws(CasebookError) -> Int64 {
        guard let text, !text.isEmpty else { return 0 }
        guard let data = Data(base64URLEncoded: text), let plain = String(data: data, encoding: .utf8), plain.hasPrefix("v1:"),
              let seq = Int64(plain.dropFirst(3)), seq >= 0 else {
            throw CasebookError(.invalidInput, "the cursor is not valid")
        }
        return seq
    }
}

extension SyncServer {
    /// `POST /v1/revisions`: idempotent push. Each revision is checked for structure and content
    /// address, author == authenticated device, the author's signature, and an HLC no further
    /// ahead than `HybridLogicalClock.maximumDrift`; then the store checks access and stores the
    /// batch in one transaction. Per-revision problems are rejections, not a failed batch.
    @Sendable func push(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try await request.decode(as: PushRequest.self, context: context)
        guard body.revisions.count <= Self.maximumBatch else {
            throw CasebookError(.tooLarge, "a push holds at most \(Self.maximumBatch) revisions")
        }
        guard let device = try await store.device(caller.device) else { throw ServerError.unauthenticated }
        let now = clock.now
        let wallMillis = UInt64(max(0, now.timeIntervalSince1970 * 1000))

        var rejected: [Int: PushRejection] = [:]
        var incoming: [(index: Int, revision: IncomingRevision)] = []
        let roots = VerifiedBatchRoots()  // a batch-sealed push costs one signature check per batch root
        for (index, wire) in body.revisions.enumerated() {
            do throws(CasebookError) {
                let sealed = try wire.sealed()
                try sealed.checkSize()  // RevisionLimits: refused before its signature is checked
                guard sealed.header.authorDevice == caller.device else {
                    throw CasebookError(.notAuthorised, "the revision's author is not the authenticated device")
                }
                try RevisionSealer.verifySignature(sealed, author: device.publicKeys, roots: roots)
                // The rulebook's header part (ADR 0012): record type vs the device's person's role.
                if let violation = Rulebook.admitHeader(sealed.header, signer: caller.signer) { throw violation.error }
                guard HybridLogicalClock.isAcceptable(sealed.header.hlc, wallMillis: wallMillis) else {
                    throw CasebookError(.clockSkew, "the revision is stamped more than five minutes ahead of the server's clock")
                }
                incoming.append((index, IncomingRevision(sealed: sealed, receivedAt: now)))
            } catch {
                rejected[index] = PushRejection(id: wire.id, error: RefusalReason(error.code), message: error.message)
            }
        }
        // ADR 0013: an epoch no rotation created is refused (SyncServer+KeyEpochs.swift).
        let unknownEpochs = try await unknownEpochRejections(incoming)
        rejected.merge(unknownEpochs) { first, _ in first }
        incoming.removeAll { unknownEpochs[$0.index] != nil }
        let outcomes = try await store.push(incoming.map(\.revision), caller: caller, today: today) { revision, facts in
            AccessPolicy.pushDecision(revision, caller: caller, facts: facts)
        }
        var accepted: [PushAck] = []
        for ((index, revision), outcome) in zip(incoming, outcomes) {
            switch outcome {
            case .accepted(let seq): accepted.append(PushAck(id: revision.id, seq: seq))
            case .rejected(let code, let message): rejected[index] = PushRejection(id: revision.id, error: RefusalReason(code), message: message)
            }
        }
        let rejections = rejected.sorted { $0.key < $1.key }.map(\.value)
        Counter(label: "casebook_push_revisions_total", dimensions: [("outcome", "accepted")]).increment(by: accepted.count)
        Counter(label: "casebook_push_revisions_total", dimensions: [("outcome", "rejected")]).increment(by: rejections.count)
        if !rejections.isEmpty {
            context.logger.notice("push rejections", metadata: ["count": .stringConvertible(rejections.count),
                                                                "codes": .string(Set(rejections.map(\.error.rawValue)).sorted().joined(separator: ","))])
        }
        return jsonResponse(PushResponse(accepted: accepted, rejected: rejections))
    }

    /// `GET /v1/revisions?after=CURSOR&limit=N`: what the caller may read, in commit order.
    @Sendable func pull(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try await page(request, context, caseID: nil)
    }

    /// `GET /v1/cases/{case_id}/revisions?after=CURSOR&limit=N`: one case, for backfill after a grant.
    @Sendable func pullCase(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try caseID(context)
        let facts = try await store.caseFacts(caseID, person: caller.person, today: today)
        guard AccessPolicy.canRead(caseID, caller: caller, facts: facts) else { throw ServerError.forbidden }
        return try await page(request, context, caseID: caseID)
    }

    func page(_ request: Request, _ context: ServerRequestContext, caseID: CaseID?) async throws -> Response {
        let caller = try context.requireCaller()
        let after = try PullCursor.decode(request.uri.queryParameters.get("after"))
        var limit = Self.defaultPage
        if let text = request.uri.queryParameters.get("limit") {
            guard let value = Int(text), value > 0 else { throw CasebookError(.invalidInput, "limit must be a positive number") }
            limit = min(value, Self.maximumPage)
        }
        let fetched = try await store.pull(after: after, limit: limit + 1, caller: caller, caseID: caseID, today: today)
        let (revisions, last, cut) = Self.boundedPage(fetched, limit: limit)
        let hasMore = cut || fetched.count > limit
        let cursor = PullCursor.encode(last ?? after)
        return jsonResponse(PullResponse(revisions: revisions, cursor: cursor, hasMore: hasMore))
    }

    /// A page bounded by count and by bytes (`RevisionLimits.maximumPageBytes`, at least one
    /// revision). A stored revision over `RevisionLimits.maximumRevisionBytes` (from before the
    /// limit) is not served: the cursor moves past it, so it cannot stall anyone's sync.
    /// Returns the revisions, the last sequence number passed, and whether the byte bound cut the page.
    static func boundedPage(_ fetched: [WireRevision], limit: Int) -> (revisions: [WireRevision], last: Int64?, cut: Bool) {
        var revisions: [WireRevision] = []
        var bytes = 0
        var last: Int64?
        for (index, revision) in fetched.enumerated() where index < limit {
            let size = revision.header.count + revision.ciphertext.count
            if size > RevisionLimits.maximumRevisionBytes {
                last = revision.seq
                continue
            }
            let carried = size + revision.signature.count
            if !revisions.isEmpty, bytes + carried > RevisionLimits.maximumPageBytes { return (revisions, last, true) }
            bytes += carried
            revisions.append(revision)
            last = revision.seq
        }
        return (revisions, last, false)
    }
}
