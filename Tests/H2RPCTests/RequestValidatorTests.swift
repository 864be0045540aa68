import Testing

@testable import H2RPC

/// Request validation, separated from launching: each rejection is precise.
@Suite struct RequestValidatorTests {
    static let fields: [(name: String, value: String)] = [
        (":method", "POST"), (":path", TestSupport.unaryEcho.fullPath), ("content-type", "application/grpc"),
    ]

    func validator(token: String? = nil) -> RequestValidator {
        RequestValidator(router: TestSupport.echoRouter(), bearerToken: token, maximumHeaderListSize: 1_000)
    }

    func rejection(_ fields: [(name: String, value: String)], token: String? = nil, listSize: Int = 100)
        -> RequestRejection?
    {
        do {
            _ = try validator(token: token).validate(RequestHead(fields: fields, listSize: listSize))
            return nil
        } catch {
            return error
        }
    }

    @Test func aValidRequestIsAcceptedWithItsTimeout() throws {
        let head = RequestHead(
            fields: Self.fields + [("grpc-timeout", "5S"), ("x-trace", "a")], listSize: 100)
        let accepted = try validator().validate(head)
        #expect(accepted.handler.method == TestSupport.unaryEcho)
        #expect(accepted.timeout == .seconds(5))
        #expect(accepted.metadata["x-trace"].first != nil)
    }

    @Test func eachProblemHasItsOwnAnswer() {
        guard case .status(let size) = rejection(Self.fields, listSize: 2_000) else {
            Issue.record("oversized header list accepted")
            return
        }
        #expect(size.code == .resourceExhausted)
        guard case .httpStatus(405) = rejection([(":method", "GET")] + Self.fields.dropFirst()) else {
            Issue.record("GET not answered with 405")
            return
        }
        guard case .httpStatus(415) = rejection(Self.fields.dropLast() + [("content-type", "text/plain")])
        else {
            Issue.record("wrong content type not answered with 415")
            return
        }
        guard case .status(let auth) = rejection(Self.fields, token: "secret") else {
            Issue.record("missing token accepted")
            return
        }
        #expect(auth.code == .unauthenticated)
        guard
            case .status(let route) = rejection(
                [(":method", "POST"), (":path", "/x.Y/Z")] + Self.fields.suffix(1))
        else {
            Issue.record("unknown method accepted")
            return
        }
        #expect(route.code == .unimplemented)
        guard case .status(let timeout) = rejection(Self.fields + [("grpc-timeout", "soon")]) else {
            Issue.record("malformed grpc-timeout accepted")
            return
        }
        #expect(timeout.code == .invalidArgument)
    }
}
