import CRescoringProtos

// Direct conversions of the rescorer's adapter management messages to and from their
// protobuf-c structs. The two empty messages (ListAdaptersRequest, UnloadAdapterResponse) keep
// the default path: they have no fields to convert.

private typealias CAdapterInfo = Secondpass__Rescoring__V1__AdapterInfo
private typealias CListAdaptersResponse = Secondpass__Rescoring__V1__ListAdaptersResponse
private typealias CLoadAdapterRequest = Secondpass__Rescoring__V1__LoadAdapterRequest
private typealias CLoadAdapterResponse = Secondpass__Rescoring__V1__LoadAdapterResponse
private typealias CUnloadAdapterRequest = Secondpass__Rescoring__V1__UnloadAdapterRequest

extension AdapterInfo {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CAdapterInfo.self)
        self.init(
            name: CStructReading.string(c.name), strategy: CStructReading.string(c.strategy), rank: c.rank,
            targetModules: CStructReading.strings(c.target_modules, count: c.n_target_modules),
            trainableParameters: c.trainable_parameters, baseModelID: CStructReading.string(c.base_model_id),
            merged: c.merged != 0)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__adapter_info__init)
        if let text = try builder.string(name, field: "name", of: Self.self) { c.pointee.name = text }
        if let text = try builder.string(strategy, field: "strategy", of: Self.self) {
            c.pointee.strategy = text
        }
        c.pointee.rank = rank
        c.pointee.n_target_modules = targetModules.count
        c.pointee.target_modules = try builder.strings(targetModules, field: "target_modules", of: Self.self)
        c.pointee.trainable_parameters = trainableParameters
        if let id = try builder.string(baseModelID, field: "base_model_id", of: Self.self) {
            c.pointee.base_model_id = id
        }
        c.pointee.merged = merged ? 1 : 0
        return UnsafeMutableRawPointer(c)
    }
}

extension ListAdaptersResponse {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CListAdaptersResponse.self)
        self.init(
            adapters: try CStructReading.messages(c.adapters, count: c.n_adapters, as: AdapterInfo.self))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__list_adapters_response__init)
        c.pointee.n_adapters = adapters.count
        c.pointee.adapters = try builder.messages(adapters, as: CAdapterInfo.self)
        return UnsafeMutableRawPointer(c)
    }
}

extension LoadAdapterRequest {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CLoadAdapterRequest.self)
        self.init(name: CStructReading.string(c.name), path: CStructReading.string(c.path))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__load_adapter_request__init)
        if let text = try builder.string(name, field: "name", of: Self.self) { c.pointee.name = text }
        if let text = try builder.string(path, field: "path", of: Self.self) { c.pointee.path = text }
        return UnsafeMutableRawPointer(c)
    }
}

extension LoadAdapterResponse {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CLoadAdapterResponse.self)
        self.init(adapter: try CStructReading.message(c.adapter, as: AdapterInfo.self))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__load_adapter_response__init)
        c.pointee.adapter = try builder.message(adapter, as: CAdapterInfo.self)
        return UnsafeMutableRawPointer(c)
    }
}

extension UnloadAdapterRequest {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CUnloadAdapterRequest.self)
        self.init(name: CStructReading.string(c.name))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__unload_adapter_request__init)
        if let text = try builder.string(name, field: "name", of: Self.self) { c.pointee.name = text }
        return UnsafeMutableRawPointer(c)
    }
}
