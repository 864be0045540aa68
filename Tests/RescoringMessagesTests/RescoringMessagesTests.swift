import Testing

@testable import RescoringMessages
