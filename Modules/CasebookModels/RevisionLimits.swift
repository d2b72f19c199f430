/// Size limits of a revision and of what carries revisions (ADR 0018). A session note is a few
/// kilobytes; the limits stop one member's oversized revision from stalling everyone else's sync.
/// Enforced by the writing vault (`RevisionSealer.seal`), the server (push, and pull pages) and
/// every receiver (`Vault.applyPage`).
public enum RevisionLimits {
    /// Header plus ciphertext of one sealed revision: 1 MiB.
    public static let maximumRevisionBytes = 1 << 20
    /// Revisions in one pull page, counted as header + ciphertext + signature: 8 MiB (a page
    /// holds at least one revision; its JSON is about 4/3 of this).
    public static let maximumPageBytes = 8 << 20
    /// Revisions in one push request, counted the same way: 16 MiB (the server takes 64 MiB bodies).
    public static let maximumPushBytes = 16 << 20

    public static var maximumRevisionDescription: String { "1 MiB" }
}

extension CasebookError.Code {
    /// A revision, page or request over its size limit.
    public static let tooLarge = Self("too-large")
}
