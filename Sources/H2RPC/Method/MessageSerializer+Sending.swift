extension MessageSerializer {
    /// Serializes a message about to be sent, in either role.
    ///
    /// An `RPCError` from the serializer is its chosen status and passes through; any other
    /// error is a bug on the sending side, so it becomes `INTERNAL` naming what failed.
    ///
    /// - Parameter kind: `"request"` or `"response"`, for the error message.
    func serializeForSending(_ message: Message, kind: String) throws(RPCError) -> [UInt8] {
        do {
            return try serialize(message)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(
                code: .internal, message: "Failed to serialize the \(kind): \(error)", cause: error)
        }
    }
}
