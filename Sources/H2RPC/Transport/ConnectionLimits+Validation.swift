extension ConnectionLimits {
    /// Largest value of a 31-bit HTTP/2 flow-control window (RFC 9113 §6.9.1).
    static let maximumWindowSize = Int(Int32.max)

    /// Checks every limit against what HTTP/2 and gRPC can express, so a bad value fails when the
    /// client or server starts instead of as a hang or a clamped setting on the first call.
    ///
    /// - Parameter owner: the configuration holding these limits, named in the error
    ///   (e.g. `"ServerConfiguration.limits"`).
    /// - Throws: `RPCError` (`INVALID_ARGUMENT`) naming the first field out of range, its range
    ///   and the value given.
    func validate(as owner: String) throws(RPCError) {
        // The gRPC length prefix is a 32-bit unsigned integer.
        let messageSizes = 0...Int(UInt32.max)
        try check(maximumReceiveMessageSize, in: messageSizes, "maximumReceiveMessageSize", owner)
        try check(maximumSendMessageSize, in: messageSizes, "maximumSendMessageSize", owner)
        // SETTINGS values are 32-bit; 0 is legal HTTP/2 (the peer may open no streams).
        try check(maximumConcurrentStreams, in: 0...Int(UInt32.max), "maximumConcurrentStreams", owner)
        try check(maximumHeaderListSize, in: 1...Int(UInt32.max), "maximumHeaderListSize", owner)
        // A zero window would stop every call before its first byte: credit is only returned
        // for bytes received.
        let windows = 1...Self.maximumWindowSize
        try check(initialStreamWindowSize, in: windows, "initialStreamWindowSize", owner)
        try check(connectionWindowSize, in: windows, "connectionWindowSize", owner)
        try check(streamReceiveBufferLimit, in: 1...Int.max, "streamReceiveBufferLimit", owner)
        try check(streamSendHighWatermark, in: 1...Int.max, "streamSendHighWatermark", owner)
        try checkPositive(idleTimeout, "idleTimeout", owner)
        try checkPositive(keepaliveInterval, "keepaliveInterval", owner)
        try checkPositive(keepaliveTimeout, "keepaliveTimeout", owner)
    }

    private func check(
        _ value: Int, in range: ClosedRange<Int>, _ field: String, _ owner: String
    ) throws(RPCError) {
        guard !range.contains(value) else { return }
        throw RPCError(
            code: .invalidArgument,
            message: "\(owner).\(field) must be in \(range.lowerBound)...\(range.upperBound); got \(value).")
    }

    private func checkPositive(_ value: Duration?, _ field: String, _ owner: String) throws(RPCError) {
        guard let value, value <= .zero else { return }
        throw RPCError(code: .invalidArgument, message: "\(owner).\(field) must be positive; got \(value).")
    }
}
