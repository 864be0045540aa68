import Testing

@testable import H2RPC
