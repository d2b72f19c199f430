import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Every request passes here first (ADR 0023), in this order:
/// 1. the Host header (and authority) must be the bound loopback address (DNS rebinding), and the
///    connecting socket must belong to this user (`LoopbackPeer`: cookies are not port-scoped);
/// 2. a foreign Origin or Referer, or `Sec-Fetch-Site: cross-site`, is refused;
/// 3. `/launch` exchanges the one-time token for the session cookie;
/// 4. anything else needs a live session cookie, used within the idle timeout;
/// 5. a locked vault (or expired unlock session) ends every session;
/// 6. a state-changing request must carry the session's CSRF token (form field or header).
/// Every response, refusals included, is `no-store` with a strict CSP and no framing.
struct UIGuard: RouterMiddleware {
    typealias Context = UIContext
    static let cookieName = "casebook_ui"
    static let maxBody = 1 << 20

    let gate: UIGate
    let hooks: UIHooks

    func handle(_ request: Request, context: UIContext, next: (Request, UIContext) async throws -> Response) async throws -> Response {
        var context = context
        context.nonce = UIGate.randomToken()
        var response: Response
        do {
            response = try await admit(request, context: &context, next: next)
        } catch let error as any HTTPResponseError {
            response = HTML.refusal(error.status, "Not found", "There is no such page.", context: context)
        } catch {
            response = HTML.refusal(.internalServerError, "Something went wrong", "The request could not be completed; nothing was changed.", context: context)
        }
        UIGuard.harden(&response, nonce: context.nonce)
        return response
    }

    private func admit(_ request: Request, context: inout UIContext,
                       next: (Request, UIContext) async throws -> Response) async throws -> Response {
        // 1. Host: the loopback address we bound, nothing else (a rebinding name resolves here too).
        let hostHeader = request.headers[HTTPField.Name("Host")!]  // swiftlint:disable:this force_unwrapping
        let hosts = [hostHeader, request.head.authority].compactMap { $0 }
        guard !hosts.isEmpty, hosts.allSatisfy({ gate.isAllowed(host: $0) }) else {
            return HTML.refusal(.misdirectedRequest, "Wrong address",
                                "Casebook answers only at the address 'casebook ui' printed.", context: context)
        }
        // 1b. The connecting socket must belong to this user: cookies are not scoped by port, so
        // another local user could collect the cookie on a port of their own (LoopbackPeer).
        if let remote = context.remoteAddress, let local = context.localAddress, !UIGuard.sameUser(remote: remote, local: local) {
            return HTML.refusal(.forbidden, "Refused", "Casebook answers only its own user on this machine.", context: context)
        }
        // 2. Origin / Referer / Sec-Fetch-Site.
        let path = request.uri.path
        let isLaunch = path == "/launch" && request.method == .get
        if let origin = request.headers[.origin], !gate.isOwnOrigin(origin) {
            return HTML.refusal(.forbidden, "Refused", "A request from another site was refused.", context: context)
        }
        if let referer = request.headers[.referer], !gate.isOwnOrigin(referer) {
            return HTML.refusal(.forbidden, "Refused", "A request from another site was refused.", context: context)
        }
        if !isLaunch, request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" {  // swiftlint:disable:this force_unwrapping
            return HTML.refusal(.forbidden, "Refused", "A request from another site was refused.", context: context)
        }
        // 3. The launch token, once.
        if isLaunch { return launch(request, context: context) }
        // 4. The session cookie.
        let admission = request.cookies[UIGuard.cookieName].map { gate.admit(session: $0.value) } ?? .unknown
        guard case .live(let csrf) = admission else {
            if admission == .idle {
                return HTML.refusal(.unauthorized, "Session ended",
                                    "The session ended after \(Int(gate.idleTimeout / 60)) minutes without use; run 'casebook ui' again for a new link.",
                                    context: context)
            }
            return HTML.refusal(.unauthorized, "Not signed in",
                                "Open Casebook with the link that 'casebook ui' printed (each link works once).", context: context)
        }
        // 5. The vault must still be unlocked.
        guard hooks.isUnlocked() else {
            gate.endAllSessions()
            return HTML.refusal(HTTPResponse.Status(code: 423, reasonPhrase: "Locked"), "Vault locked",
                                "The vault was locked or its unlock session expired; run 'casebook ui' again.", context: context)
        }
        context.csrf = csrf
        // 6. CSRF on everything that is not a safe method.
        guard request.method == .get || request.method == .head else {
            var request = request
            let body = try await request.collectBody(upTo: UIGuard.maxBody)
            context.form = Form(encoded: String(buffer: body))
            let given = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? context.form["csrf"]  // swiftlint:disable:this force_unwrapping
            guard let given, UIGate.constantTimeEqual(given, csrf) else {
                return HTML.refusal(.forbidden, "Refused", "The form was stale or did not come from Casebook; reload the page and try again.",
                                    context: context)
            }
            return try await next(request, context)
        }
        return try await next(request, context)
    }

    /// `GET /launch?token=…`: the one exchange. The answer sets the cookie and moves on to the home
    /// page with a same-origin refresh (so the SameSite=Strict cookie is sent whatever opened the link).
    private func launch(_ request: Request, context: UIContext) -> Response {
        guard let token = request.uri.queryParameters.get("token"), let session = gate.exchange(token) else {
            return HTML.refusal(.forbidden, "Link already used",
                                "This launch link is not valid or was already used; run 'casebook ui' again for a new one.", context: context)
        }
        let body = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/">\
            <title>Casebook</title></head><body><p><a href="/">Open Casebook</a></p></body></html>
            """
        var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: body)))
        response.headers[.setCookie] = "\(UIGuard.cookieName)=\(session); Path=/; HttpOnly; SameSite=Strict"
        return response
    }

    /// Whether the peer of a real connection is this process's user (Linux; elsewhere, not checked).
    static func sameUser(remote: SocketAddress, local: SocketAddress) -> Bool {
        #if os(Linux)
        return LoopbackPeer.uid(remote: remote, local: local) == UInt32(getuid())
        #else
        return true
        #endif
    }

    static func harden(_ response: inout Response, nonce: String) {
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Pragma")!] = "no-cache"  // swiftlint:disable:this force_unwrapping
        response.headers[.contentSecurityPolicy] = """
            default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; connect-src 'self'; \
            img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'
            """
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"  // swiftlint:disable:this force_unwrapping
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"  // swiftlint:disable:this force_unwrapping
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"  // swiftlint:disable:this force_unwrapping
        response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "same-origin"  // swiftlint:disable:this force_unwrapping
    }
}
