extension MessageDeserializer {
    /// A decoder for received messages that reports failures as `code`, in either role.
    ///
    /// The roles disagree on whose fault an undecodable message is: a server answers
    /// `INVALID_ARGUMENT` (the client sent garbage), a client fails with `INTERNAL` (the server
    /// broke its contract), so the caller chooses `code`.
    ///
    /// - Parameter kind: `"request"` or `"response"`, for the error message.
    func receivingDecoder(kind: String, failureCode: RPCError.Code) -> @Sendable ([UInt8]) throws -> Message {
        { bytes in
            do {
                return try deserialize(bytes)
            } catch {
                throw RPCError(
                    code: failureCode, message: "Could not decode the \(kind) message: \(error)", cause: error
                )
            }
        }
    }
}
