import CRescoringProtos

/// `secondpass.rescoring.v1.Interval`: an interval estimate from a paired bootstrap.
public struct Interval: ProtoMessage {
    public var low: Double
    public var high: Double

    public init(
        low: Double = 0, high: Double = 0
    ) {
        self.low = low
        self.high = high
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__Interval(),
            with: secondpass__rescoring__v1__interval__init)
    }

    public init(fields: ProtoFields) throws {
        low = try fields.scalar("low")
        high = try fields.scalar("high")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("low", low)
        fields.set("high", high)
        return fields
    }
}
