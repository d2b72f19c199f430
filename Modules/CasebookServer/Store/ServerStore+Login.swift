public import CasebookModels
public import CasebookSync
public import Foundation

/// What a login needs from the store, in as few round trips as each store allows (ADR 0031):
/// on PostgreSQL a login was nine sequential round trips and three commits, and under load each
/// round trip waits for the event loop and a pooled connection.
public protocol ServerStoreLogin: ServerStore {
    /// Stores a login challenge for a known device (a challenge for an unknown device is never
    /// stored) and drops long-expired ones. Returns whether the device is known.
    func issueChallenge(_ challenge: Data, device: DeviceID, expiresAt: Date) async throws -> Bool
    /// Consumes a live challenge of `device` and stores the token's hash, both or neither. Returns
    /// false (and stores nothing) when the challenge was unknown, used or expired.
    func exchangeChallenge(_ challenge: Data, device: DeviceID, now: Date, tokenHash: Data, expiresAt: Date) async throws -> Bool
}

/// A device, its person and its removal, as a login checks them.
public struct LoginFacts: Sendable {
    public var device: DeviceRecord
    public var person: StoredPerson?
    public var removal: DeviceRemoval?
}

extension ServerStore {
    /// The device, its person and its removal, read concurrently (three reads, one wait).
    public func loginFacts(_ id: DeviceID) async throws -> LoginFacts? {
        async let removal = self.removal(of: id)
        guard let device = try await self.device(id) else {
            _ = try? await removal
            return nil
        }
        async let person = self.person(device.person)
        return LoginFacts(device: device, person: try await person, removal: try await removal)
    }

    /// `ServerStoreLogin.issueChallenge` where the store has one, else the separate calls.
    public func storeChallenge(_ challenge: Data, device: DeviceID, expiresAt: Date) async throws -> Bool {
        if let login = self as? any ServerStoreLogin { return try await login.issueChallenge(challenge, device: device, expiresAt: expiresAt) }
        guard try await self.device(device) != nil else { return false }
        try await insertChallenge(challenge, device: device, expiresAt: expiresAt)
        return true
    }

    /// `ServerStoreLogin.exchangeChallenge` where the store has one, else consume then insert.
    public func tokenForChallenge(_ challenge: Data, device: DeviceID, now: Date, tokenHash: Data, expiresAt: Date) async throws -> Bool {
        if let login = self as? any ServerStoreLogin {
            return try await login.exchangeChallenge(challenge, device: device, now: now, tokenHash: tokenHash, expiresAt: expiresAt)
        }
        guard try await consumeChallenge(challenge, device: device, now: now) else { return false }
        try await insertToken(hash: tokenHash, device: device, expiresAt: expiresAt)
        return true
    }
}
