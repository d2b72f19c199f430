// RecordsDocument: the shape of records.json (schema in RecordsSchema.swift), built from the vault's
// records with third parties masked.

import CasebookModels
public import Foundation

/// `records.json`. Dates are `YYYY-MM-DD`; ids are opaque strings; staff appear by id only.
public struct RecordsDocument: Codable, Sendable {
    public struct Profile: Codable, Sendable {
        public var caseID: String
        public var name: String
        public var bornOn: String?
        public var contacts: [String]
        public var status: String
        public var closedOn: String?
        public var relatedPeople: [Related]
    }

    public struct Related: Codable, Sendable {
        public var name: String
        public var relation: String
        public var withheld: Bool
    }

    public struct Consent: Codable, Sendable {
        public var id: String
        public var formVersion: String
        public var signedOn: String
        public var signedBy: String
        public var limitsAcknowledged: Bool
    }

    public struct AmendmentEntry: Codable, Sendable {
        public var id: String
        public var on: String
        public var text: String
        public var author: String
    }

    public struct Session: Codable, Sendable {
        public var id: String
        public var on: String
        public var minutes: Int
        public var platform: String
        public var practitioner: String
        public var practitionerInPrivateLocation: Bool
        public var clientEncouragedToUsePrivateSpace: Bool
        public var topics: String
        public var progress: String
        public var followUp: String
        public var status: String
        public var amendments: [AmendmentEntry]
    }

    public struct ConcernActionEntry: Codable, Sendable {
        public var id: String
        public var on: String
        public var kind: String
        public var text: String
    }

    public struct Concern: Codable, Sendable {
        public var id: String
        public var category: String
        public var raisedOn: String
        public var sessionID: String?
        public var details: String
        public var yourViews: String?
        public var status: String
        public var outcome: String?
        public var actions: [ConcernActionEntry]
    }

    public struct Recipient: Codable, Sendable {
        public var id: String
        public var recipient: String
        public var purpose: String
        public var basis: String
        public var reference: String?
        public var requestedOn: String
        public var status: String
        public var approvedOn: String?
    }

    /// The client's consent to one release (who to, what for, until when).
    public struct ReleaseConsentEntry: Codable, Sendable {
        public var id: String
        public var recipient: String
        public var purpose: String
        public var until: String?
        public var recordedOn: String
    }

    /// The client's withdrawal of consent to releases: consent-based releases stop from then on.
    public struct ReleaseWithdrawalEntry: Codable, Sendable {
        public var id: String
        public var on: String
    }

    public struct Request: Codable, Sendable {
        public var id: String
        public var receivedOn: String
        public var identityVerifiedOn: String?
        public var dueOn: String
        public var extended: Bool
        public var status: String
        public var answeredOn: String?
    }

    public var formatVersion: Int
    public var caseID: String
    public var requestID: String?
    public var generatedAt: String
    public var profile: Profile
    public var consents: [Consent]
    public var sessions: [Session]
    public var safeguardingConcerns: [Concern]
    /// The disclosure log: every recipient of the client's information (Art. 15(1)(c)).
    public var recipients: [Recipient]
    /// Consents to releases (P2) and their withdrawals (P12).
    public var releaseConsents: [ReleaseConsentEntry]
    public var releaseWithdrawals: [ReleaseWithdrawalEntry]
    public var accessRequests: [Request]
    /// How many records of each kind the bundle holds, for the client to check nothing is missing.
    public var counts: [String: Int]

    /// Canonical bytes: sorted keys, pretty-printed, trailing newline.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}

extension RecordsDocument {
    /// Builds the document, masking every free-text field and related people without consent.
    /// Concerns and sessions in `withheldConcerns` are left out (recorded in the log with the given
    /// reason; a session goes with its amendments).
    static func build(
        _ records: SubjectAccessRecords, requestID: String?, generatedAt: String, masker: any ThirdPartyMasker,
        withheldConcerns: [RecordID: String], log: inout [RedactionLogEntry]
    ) -> RecordsDocument {
        func masked(_ text: String, _ location: String) -> String {
            let result = masker.mask(text, location: location)
            log += result.withheld
            return result.text
        }
        let client = records.client
        let related = client.related.map { person in
            if person.consentsToDisclosure {
                return Related(name: person.name, relation: person.relation, withheld: false)
            }
            log.append(RedactionLogEntry(location: "profile.relatedPeople", label: "third-party-name", reason: "no consent recorded"))
            return Related(name: KnownNameMasker.replacement, relation: person.relation, withheld: true)
        }
        let amendmentsBySession = Dictionary(grouping: records.amendments, by: \.sessionID)
        let sessions = records.sessions.sorted { ($0.on, $0.id.rawValue) < ($1.on, $1.id.rawValue) }.compactMap { session -> Session? in
            let location = "session:\(session.id.rawValue)"
            if let reason = withheldConcerns[session.id] {
                log.append(RedactionLogEntry(location: location, label: "session-withheld", reason: reason))
                return nil
            }
            let amendments = (amendmentsBySession[session.id] ?? []).sorted { ($0.on, $0.id.rawValue) < ($1.on, $1.id.rawValue) }
            return Session(
                id: session.id.rawValue, on: session.on.iso, minutes: session.minutes, platform: session.platform,
                practitioner: session.practitioner.rawValue, practitionerInPrivateLocation: session.practitionerPrivate,
                clientEncouragedToUsePrivateSpace: session.clientPrivate, topics: masked(session.topics, location),
                progress: masked(session.progress, location), followUp: masked(session.followUp, location),
                status: session.status.rawValue,
                amendments: amendments.map {
                    AmendmentEntry(id: $0.id.rawValue, on: $0.on.iso, text: masked($0.text, "amendment:\($0.id.rawValue)"), author: $0.author.rawValue)
                })
        }
        let actionsByConcern = Dictionary(grouping: records.concernActions, by: \.concernID)
        var concerns: [Concern] = []
        for concern in records.concerns.sorted(by: { ($0.raisedOn, $0.id.rawValue) < ($1.raisedOn, $1.id.rawValue) }) {
            let location = "concern:\(concern.id.rawValue)"
            if let reason = withheldConcerns[concern.id] {
                log.append(RedactionLogEntry(location: location, label: "concern-withheld", reason: reason))
                continue
            }
            let actions = (actionsByConcern[concern.id] ?? []).sorted { ($0.on, $0.id.rawValue) < ($1.on, $1.id.rawValue) }
            concerns.append(
                Concern(
                    id: concern.id.rawValue, category: concern.category.rawValue, raisedOn: concern.raisedOn.iso,
                    sessionID: concern.sessionID?.rawValue, details: masked(concern.details, location),
                    yourViews: concern.clientViews.map { masked($0, location) }, status: concern.status.rawValue,
                    outcome: concern.outcome.map { masked($0, location) },
                    actions: actions.map {
                        ConcernActionEntry(id: $0.id.rawValue, on: $0.on.iso, kind: $0.kind, text: masked($0.text, "concern-action:\($0.id.rawValue)"))
                    }))
        }
        let recipients = records.disclosures.sorted { ($0.requestedOn, $0.id.rawValue) < ($1.requestedOn, $1.id.rawValue) }.map {
            Recipient(
                id: $0.id.rawValue, recipient: $0.recipient, purpose: masked($0.purpose, "disclosure:\($0.id.rawValue)"),
                basis: $0.basis.rawValue, reference: $0.reference, requestedOn: $0.requestedOn.iso, status: $0.status.rawValue,
                approvedOn: $0.approvedOn?.iso)
        }
        let releaseConsents = records.releaseConsents.sorted { ($0.recordedOn, $0.id.rawValue) < ($1.recordedOn, $1.id.rawValue) }.map {
            ReleaseConsentEntry(id: $0.id.rawValue, recipient: $0.recipient, purpose: masked($0.purpose, "release-consent:\($0.id.rawValue)"),
                                until: $0.until?.iso, recordedOn: $0.recordedOn.iso)
        }
        let releaseWithdrawals = records.releaseWithdrawals.sorted { ($0.on, $0.id.rawValue) < ($1.on, $1.id.rawValue) }.map {
            ReleaseWithdrawalEntry(id: $0.id.rawValue, on: $0.on.iso)
        }
        let requests = records.accessRequests.sorted { ($0.receivedOn, $0.id.rawValue) < ($1.receivedOn, $1.id.rawValue) }.map {
            Request(
                id: $0.id.rawValue, receivedOn: $0.receivedOn.iso, identityVerifiedOn: $0.identityVerifiedOn?.iso,
                dueOn: SubjectAccessDeadline($0).due.iso, extended: $0.extended, status: $0.status.rawValue,
                answeredOn: $0.answeredOn?.iso)
        }
        let consents = records.consents.sorted { ($0.signedOn, $0.id.rawValue) < ($1.signedOn, $1.id.rawValue) }.map {
            Consent(id: $0.id.rawValue, formVersion: $0.formVersion, signedOn: $0.signedOn.iso, signedBy: $0.signedBy.rawValue, limitsAcknowledged: $0.limitsAcknowledged)
        }
        return RecordsDocument(
            formatVersion: 1, caseID: client.id.rawValue, requestID: requestID, generatedAt: generatedAt,
            profile: Profile(
                caseID: client.id.rawValue, name: client.name, bornOn: client.bornOn?.iso, contacts: client.contacts,
                status: client.status.rawValue, closedOn: client.closedOn?.iso, relatedPeople: related),
            consents: consents, sessions: sessions, safeguardingConcerns: concerns, recipients: recipients,
            releaseConsents: releaseConsents, releaseWithdrawals: releaseWithdrawals, accessRequests: requests,
            counts: [
                "consents": consents.count, "sessions": sessions.count, "amendments": sessions.reduce(0) { $0 + $1.amendments.count },
                "safeguardingConcerns": concerns.count, "recipients": recipients.count, "releaseConsents": releaseConsents.count,
                "releaseWithdrawals": releaseWithdrawals.count, "accessRequests": requests.count,
            ])
    }
}
