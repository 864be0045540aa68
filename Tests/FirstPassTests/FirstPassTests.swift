import Testing

@testable import FirstPass
