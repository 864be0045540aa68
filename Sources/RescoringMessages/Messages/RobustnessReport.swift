import CRescoringProtos

/// `secondpass.rescoring.v1.RobustnessReport`: how a perturbed condition compares with the clean one.
public struct RobustnessReport: ProtoMessage {
    public var perturbedCondition: String
    public var cleanCondition: String
    /// (WER2(perturbed) - WER2(clean)) / WER2(clean).
    public var degradation: Double
    public var degradationCI: Interval?
    /// Share of utterances whose chosen hypothesis changed.
    public var flipRate: Double
    /// (WER2(perturbed) - WER2(clean)) / (WER1(perturbed) - WER1(clean)).
    public var firstPassNormalised: Double
    /// "D1", "D1-twin", "NPRR" or "relative".
    public var figure: String
    /// Utterances present in both conditions.
    public var matchedUtterances: UInt64

    public init(
        perturbedCondition: String = "", cleanCondition: String = "", degradation: Double = 0,
        degradationCI: Interval? = nil, flipRate: Double = 0, firstPassNormalised: Double = 0,
        figure: String = "", matchedUtterances: UInt64 = 0
    ) {
        self.perturbedCondition = perturbedCondition
        self.cleanCondition = cleanCondition
        self.degradation = degradation
        self.degradationCI = degradationCI
        self.flipRate = flipRate
        self.firstPassNormalised = firstPassNormalised
        self.figure = figure
        self.matchedUtterances = matchedUtterances
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__RobustnessReport(),
            with: secondpass__rescoring__v1__robustness_report__init)
    }

    public init(fields: ProtoFields) throws {
        perturbedCondition = try fields.scalar("perturbed_condition")
        cleanCondition = try fields.scalar("clean_condition")
        degradation = try fields.scalar("degradation")
        degradationCI = try fields.message("degradation_ci")
        flipRate = try fields.scalar("flip_rate")
        firstPassNormalised = try fields.scalar("first_pass_normalised")
        figure = try fields.scalar("figure")
        matchedUtterances = try fields.scalar("matched_utterances")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("perturbed_condition", perturbedCondition)
        fields.set("clean_condition", cleanCondition)
        fields.set("degradation", degradation)
        fields.set("degradation_ci", degradationCI)
        fields.set("flip_rate", flipRate)
        fields.set("first_pass_normalised", firstPassNormalised)
        fields.set("figure", figure)
        fields.set("matched_utterances", matchedUtterances)
        return fields
    }
}
