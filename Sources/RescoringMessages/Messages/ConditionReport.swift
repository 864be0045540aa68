import CRescoringProtos

/// `secondpass.rescoring.v1.ConditionReport`: error figures of one condition (rates are fractions).
///
/// Substitutions, deletions, insertions and `sentenceErrorRate` are the rescored output's; the
/// `firstPass…` fields the first-pass 1-best's. An undefined rate (a WERR with WER₁ = 0) is NaN.
public struct ConditionReport: ProtoMessage {
    public var condition: String
    public var utterances: UInt64
    public var referenceWords: UInt64
    public var substitutions: UInt64
    public var deletions: UInt64
    public var insertions: UInt64
    public var firstPassWER: Double
    public var rescoredWER: Double
    public var werr: Double
    public var werrCI: Interval?
    public var oracleWER: Double
    public var sentenceErrorRate: Double
    public var firstPassSubstitutions: UInt64
    public var firstPassDeletions: UInt64
    public var firstPassInsertions: UInt64
    public var firstPassSentenceErrorRate: Double

    public init(
        condition: String = "", utterances: UInt64 = 0, referenceWords: UInt64 = 0, substitutions: UInt64 = 0,
        deletions: UInt64 = 0, insertions: UInt64 = 0, firstPassWER: Double = 0, rescoredWER: Double = 0,
        werr: Double = 0, werrCI: Interval? = nil, oracleWER: Double = 0, sentenceErrorRate: Double = 0,
        firstPassSubstitutions: UInt64 = 0, firstPassDeletions: UInt64 = 0, firstPassInsertions: UInt64 = 0,
        firstPassSentenceErrorRate: Double = 0
    ) {
        self.condition = condition
        self.utterances = utterances
        self.referenceWords = referenceWords
        self.substitutions = substitutions
        self.deletions = deletions
        self.insertions = insertions
        self.firstPassWER = firstPassWER
        self.rescoredWER = rescoredWER
        self.werr = werr
        self.werrCI = werrCI
        self.oracleWER = oracleWER
        self.sentenceErrorRate = sentenceErrorRate
        self.firstPassSubstitutions = firstPassSubstitutions
        self.firstPassDeletions = firstPassDeletions
        self.firstPassInsertions = firstPassInsertions
        self.firstPassSentenceErrorRate = firstPassSentenceErrorRate
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__ConditionReport(),
            with: secondpass__rescoring__v1__condition_report__init)
    }

    public init(fields: ProtoFields) throws {
        condition = try fields.scalar("condition")
        utterances = try fields.scalar("utterances")
        referenceWords = try fields.scalar("reference_words")
        substitutions = try fields.scalar("substitutions")
        deletions = try fields.scalar("deletions")
        insertions = try fields.scalar("insertions")
        firstPassWER = try fields.scalar("first_pass_wer")
        rescoredWER = try fields.scalar("rescored_wer")
        werr = try fields.scalar("werr")
        werrCI = try fields.message("werr_ci")
        oracleWER = try fields.scalar("oracle_wer")
        sentenceErrorRate = try fields.scalar("sentence_error_rate")
        firstPassSubstitutions = try fields.scalar("first_pass_substitutions")
        firstPassDeletions = try fields.scalar("first_pass_deletions")
        firstPassInsertions = try fields.scalar("first_pass_insertions")
        firstPassSentenceErrorRate = try fields.scalar("first_pass_sentence_error_rate")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("condition", condition)
        fields.set("utterances", utterances)
        fields.set("reference_words", referenceWords)
        fields.set("substitutions", substitutions)
        fields.set("deletions", deletions)
        fields.set("insertions", insertions)
        fields.set("first_pass_wer", firstPassWER)
        fields.set("rescored_wer", rescoredWER)
        fields.set("werr", werr)
        fields.set("werr_ci", werrCI)
        fields.set("oracle_wer", oracleWER)
        fields.set("sentence_error_rate", sentenceErrorRate)
        fields.set("first_pass_substitutions", firstPassSubstitutions)
        fields.set("first_pass_deletions", firstPassDeletions)
        fields.set("first_pass_insertions", firstPassInsertions)
        fields.set("first_pass_sentence_error_rate", firstPassSentenceErrorRate)
        return fields
    }
}
