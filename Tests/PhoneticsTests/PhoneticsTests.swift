import Testing

@testable import Phonetics
