import HTTPTypes
import Hummingbird
import NIOCore

/// In front of every route: refuses requests addressed to another host and changes without the token (see
/// ``AccessPolicy``), logs a browser in from the address carrying the token, and sets the headers that keep
/// pages from loading anything but their own assets or being framed by another site.
struct SiteGuard: RouterMiddleware {
    typealias Context = BasicRequestContext
    let policy: AccessPolicy

    /// Only our own stylesheet, script and connections; inline SVG and the empty favicon need nothing more.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        if let refusal = policy.refusal(of: request) {
            response = Self.refuse(refusal, request: request)
        } else if request.method == .post, let refusal = policy.changeRefusal(of: request) {
            response = Self.refuse(refusal, request: request)
        } else if request.method == .get, let token = DashboardSite.query(request)["token"] {
            response = login(token, request: request)
        } else {
            do {
                response = try await next(request, context)
            } catch let error as HTTPError {
                // Unknown paths, bodies too large or unreadable: the documented error, with the headers below.
                response = Self.error(
                    error.body ?? error.status.reasonPhrase, code: Self.code(for: error.status), status: error.status,
                    request: request)
            } catch {
                response = Self.error(
                    "the dashboard failed to answer", code: "failure", status: .internalServerError, request: request)
            }
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        // Not `no-referrer`: with it Chromium sends `Origin: null` on the pages' own form posts, which the
        // same-origin check must refuse. `same-origin` still keeps every address out of other sites' logs.
        if let name = Self.referrerPolicy { response.headers[name] = "same-origin" }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// The login address: a right token sets the cookie and redirects to the same page without it, so the token
    /// stays out of the history and of links copied from the address bar.
    private func login(_ token: String, request: Request) -> Response {
        guard policy.isToken(token) else {
            return Self.refuse("wrong token: use the address `mlops ui` printed", request: request)
        }
        var remaining = DashboardSite.query(request)
        remaining.pairs.removeAll { $0.name == "token" }
        let query = remaining.encoded()
        // One leading slash, whatever the request had: `//evil.example/` would send the browser to another site.
        let path = "/" + request.uri.path.drop { $0 == "/" || $0 == "\\" }
        let location = path + (query.isEmpty ? "" : "?" + query)
        return Response(
            status: .seeOther, headers: [.location: location, .setCookie: policy.loginCookie(for: request)],
            body: .init())
    }

    private static func refuse(_ message: String, request: Request) -> Response {
        error(message, code: "denied", status: .forbidden, request: request)
    }

    /// An error as the API's JSON document under `/api/`, else as a small page.
    private static func error(
        _ message: String, code: String, status: HTTPResponse.Status, request: Request
    ) -> Response {
        if request.uri.path.hasPrefix("/api/") {
            return DashboardSite.errorJSON(code: code, message: message, status: status)
        }
        let title = HTML.escape(status.reasonPhrase)
        let page =
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(title) · mlops</title>"
            + "<link rel=\"icon\" href=\"data:,\"></head><body><h1>\(title)</h1><p class=\"error\" id=\"refused\">"
            + HTML.escape(message) + "</p><p><a href=\"/\">Runs</a></p></body></html>\n"
        return DashboardSite.html(page, status: status)
    }

    /// The error code of an HTTP status the router or the body reader chose.
    private static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: return "notFound"
        case .contentTooLarge, .badRequest: return "usage"
        default: return "failure"
        }
    }
}
