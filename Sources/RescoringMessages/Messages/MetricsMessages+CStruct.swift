import CRescoringProtos

// Direct conversions of the metrics aggregator's messages (records are in
// EvaluationRecord+CStruct.swift) to and from their protobuf-c structs.

private typealias CInterval = Secondpass__Rescoring__V1__Interval
private typealias CConditionReport = Secondpass__Rescoring__V1__ConditionReport
private typealias CRobustnessReport = Secondpass__Rescoring__V1__RobustnessReport
private typealias CReport = Secondpass__Rescoring__V1__Report
private typealias CRecordSummary = Secondpass__Rescoring__V1__RecordSummary
private typealias CReportRequest = Secondpass__Rescoring__V1__ReportRequest

extension Interval {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CInterval.self)
        self.init(low: c.low, high: c.high)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__interval__init)
        c.pointee.low = low
        c.pointee.high = high
        return UnsafeMutableRawPointer(c)
    }
}

extension ConditionReport {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CConditionReport.self)
        self.init(
            condition: CStructReading.string(c.condition), utterances: c.utterances,
            referenceWords: c.reference_words, substitutions: c.substitutions, deletions: c.deletions,
            insertions: c.insertions, firstPassWER: c.first_pass_wer, rescoredWER: c.rescored_wer,
            werr: c.werr, werrCI: try CStructReading.message(c.werr_ci, as: Interval.self),
            oracleWER: c.oracle_wer, sentenceErrorRate: c.sentence_error_rate,
            firstPassSubstitutions: c.first_pass_substitutions, firstPassDeletions: c.first_pass_deletions,
            firstPassInsertions: c.first_pass_insertions,
            firstPassSentenceErrorRate: c.first_pass_sentence_error_rate)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__condition_report__init)
        if let text = try builder.string(condition, field: "condition", of: Self.self) {
            c.pointee.condition = text
        }
        c.pointee.utterances = utterances
        c.pointee.reference_words = referenceWords
        c.pointee.substitutions = substitutions
        c.pointee.deletions = deletions
        c.pointee.insertions = insertions
        c.pointee.first_pass_wer = firstPassWER
        c.pointee.rescored_wer = rescoredWER
        c.pointee.werr = werr
        c.pointee.werr_ci = try builder.message(werrCI, as: CInterval.self)
        c.pointee.oracle_wer = oracleWER
        c.pointee.sentence_error_rate = sentenceErrorRate
        c.pointee.first_pass_substitutions = firstPassSubstitutions
        c.pointee.first_pass_deletions = firstPassDeletions
        c.pointee.first_pass_insertions = firstPassInsertions
        c.pointee.first_pass_sentence_error_rate = firstPassSentenceErrorRate
        return UnsafeMutableRawPointer(c)
    }
}

extension RobustnessReport {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CRobustnessReport.self)
        self.init(
            perturbedCondition: CStructReading.string(c.perturbed_condition),
            cleanCondition: CStructReading.string(c.clean_condition), degradation: c.degradation,
            degradationCI: try CStructReading.message(c.degradation_ci, as: Interval.self),
            flipRate: c.flip_rate, firstPassNormalised: c.first_pass_normalised,
            figure: CStructReading.string(c.figure), matchedUtterances: c.matched_utterances)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__robustness_report__init)
        if let text = try builder.string(perturbedCondition, field: "perturbed_condition", of: Self.self) {
            c.pointee.perturbed_condition = text
        }
        if let text = try builder.string(cleanCondition, field: "clean_condition", of: Self.self) {
            c.pointee.clean_condition = text
        }
        c.pointee.degradation = degradation
        c.pointee.degradation_ci = try builder.message(degradationCI, as: CInterval.self)
        c.pointee.flip_rate = flipRate
        c.pointee.first_pass_normalised = firstPassNormalised
        if let text = try builder.string(figure, field: "figure", of: Self.self) { c.pointee.figure = text }
        c.pointee.matched_utterances = matchedUtterances
        return UnsafeMutableRawPointer(c)
    }
}

extension Report {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CReport.self)
        self.init(
            runID: CStructReading.string(c.run_id),
            conditions: try CStructReading.messages(
                c.conditions, count: c.n_conditions, as: ConditionReport.self),
            robustness: try CStructReading.messages(
                c.robustness, count: c.n_robustness, as: RobustnessReport.self),
            records: c.records, generatedAtUnixMilliseconds: c.generated_at_unix_ms)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__report__init)
        if let id = try builder.string(runID, field: "run_id", of: Self.self) { c.pointee.run_id = id }
        c.pointee.n_conditions = conditions.count
        c.pointee.conditions = try builder.messages(conditions, as: CConditionReport.self)
        c.pointee.n_robustness = robustness.count
        c.pointee.robustness = try builder.messages(robustness, as: CRobustnessReport.self)
        c.pointee.records = records
        c.pointee.generated_at_unix_ms = generatedAtUnixMilliseconds
        return UnsafeMutableRawPointer(c)
    }
}

extension RecordSummary {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CRecordSummary.self)
        self.init(
            accepted: c.accepted, duplicates: c.duplicates, rejected: c.rejected,
            errors: CStructReading.strings(c.errors, count: c.n_errors))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__record_summary__init)
        c.pointee.accepted = accepted
        c.pointee.duplicates = duplicates
        c.pointee.rejected = rejected
        c.pointee.n_errors = errors.count
        c.pointee.errors = try builder.strings(errors, field: "errors", of: Self.self)
        return UnsafeMutableRawPointer(c)
    }
}

extension ReportRequest {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CReportRequest.self)
        self.init(
            runID: CStructReading.string(c.run_id), cleanCondition: CStructReading.string(c.clean_condition))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__report_request__init)
        if let id = try builder.string(runID, field: "run_id", of: Self.self) { c.pointee.run_id = id }
        if let text = try builder.string(cleanCondition, field: "clean_condition", of: Self.self) {
            c.pointee.clean_condition = text
        }
        return UnsafeMutableRawPointer(c)
    }
}
