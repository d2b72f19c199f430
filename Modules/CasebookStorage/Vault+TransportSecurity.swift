import CasebookModels
public import Foundation
import GRDB

/// How this vault checks the sync server's identity (ADR 0015): the CA certificate(s) to trust
/// (PEM, instead of the system's roots) and an optional pin of the server certificate's SHA-256.
/// Remembered at enrolment and reused by every command that talks to the server.
public struct TransportSecurity: Sendable, Hashable {
    public var caCertificatesPEM: String?
    public var serverCertificatePin: Data?

    public init(caCertificatesPEM: String? = nil, serverCertificatePin: Data? = nil) {
        self.caCertificatesPEM = caCertificatesPEM
        self.serverCertificatePin = serverCertificatePin
    }
}

extension Vault {
    public func transportSecurity() throws(CasebookError) -> TransportSecurity {
        return try read("reading the server's TLS settings") { db in
            TransportSecurity(caCertificatesPEM: try Meta.get(db, .caCertificate).map { String(decoding: $0, as: UTF8.self) },
                              serverCertificatePin: try Meta.get(db, .serverPin))
        }
    }

    /// Remembers the CA certificate(s) and the pin (nil leaves a stored value as it is).
    public func rememberTransportSecurity(_ security: TransportSecurity) throws(CasebookError) {
        try write("saving the server's TLS settings") { db in
            if let pem = security.caCertificatesPEM { try Meta.set(db, .caCertificate, Data(pem.utf8)) }
            if let pin = security.serverCertificatePin { try Meta.set(db, .serverPin, pin) }
        }
    }
}
