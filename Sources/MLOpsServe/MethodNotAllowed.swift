import HTTPTypes
import Hummingbird

extension Router where Context == BasicRequestContext {
    /// Answers 405 with `Allow` for a known path asked with another method (the router alone answers 404, which
    /// sends a client looking for a path that exists). Call after every route is added.
    package func answerOtherMethodsNotAllowed() {
        var methodsByPath: [String: (path: RouterPath, methods: [HTTPRequest.Method])] = [:]
        for route in routes {
            methodsByPath[route.path.description, default: (route.path, [])].methods.append(route.method)
        }
        for (path, registered) in methodsByPath.values {
            // HEAD is answered wherever GET is (the router generates it).
            let methods = registered + (registered.contains(.get) ? [.head] : [])
            let allowed = methods.map(\.rawValue).sorted().joined(separator: ", ")
            let body = #"{"error":"method not allowed; use \#(allowed)"}"#
            for method in [HTTPRequest.Method.get, .head, .post, .put, .delete, .patch, .options]
            where !methods.contains(method) {
                on(path, method: method) { _, _ in
                    Response(
                        status: .methodNotAllowed, headers: [.allow: allowed, .contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
                }
            }
        }
    }
}
