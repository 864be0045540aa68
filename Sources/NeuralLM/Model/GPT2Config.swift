/// Hyper-parameters of a GPT-2 model, with Hugging Face `GPT2Config` field names.
///
/// Encodes to a `config.json` that `transformers.GPT2LMHeadModel.from_pretrained` accepts, and
/// always writes the real BOS/EOS ids (transformers' defaults are GPT-2's 50256).
public struct GPT2Config: Codable, Sendable, Equatable {
    public var vocabSize: Int
    public var nPositions: Int
    public var nEmbd: Int
    public var nLayer: Int
    public var nHead: Int
    /// Width of the MLP hidden layer; `nil` means 4 · nEmbd (as in Hugging Face).
    public var nInner: Int?
    public var layerNormEpsilon: Float
    public var bosTokenId: Int
    public var eosTokenId: Int
    public var activationFunction: String
    public var residPdrop: Float
    public var embdPdrop: Float
    public var attnPdrop: Float
    public var initializerRange: Float

    public init(
        vocabSize: Int, nPositions: Int, nEmbd: Int, nLayer: Int, nHead: Int, nInner: Int? = nil,
        layerNormEpsilon: Float = 1e-5, bosTokenId: Int, eosTokenId: Int, dropout: Float = 0.1,
        initializerRange: Float = 0.02
    ) {
        self.vocabSize = vocabSize
        self.nPositions = nPositions
        self.nEmbd = nEmbd
        self.nLayer = nLayer
        self.nHead = nHead
        self.nInner = nInner
        self.layerNormEpsilon = layerNormEpsilon
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.activationFunction = "gelu_new"
        self.residPdrop = dropout
        self.embdPdrop = dropout
        self.attnPdrop = dropout
        self.initializerRange = initializerRange
    }

    /// MLP hidden width.
    public var innerSize: Int { nInner ?? 4 * nEmbd }
    /// Width of one attention head.
    public var headSize: Int { nEmbd / nHead }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case nPositions = "n_positions"
        case nEmbd = "n_embd"
        case nLayer = "n_layer"
        case nHead = "n_head"
        case nInner = "n_inner"
        case layerNormEpsilon = "layer_norm_epsilon"
        case bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id"
        case activationFunction = "activation_function"
        case residPdrop = "resid_pdrop"
        case embdPdrop = "embd_pdrop"
        case attnPdrop = "attn_pdrop"
        case initializerRange = "initializer_range"
        case modelType = "model_type"
        case architectures
        case tieWordEmbeddings = "tie_word_embeddings"
        case scaleAttnWeights = "scale_attn_weights"
        case scaleAttnByInverseLayerIdx = "scale_attn_by_inverse_layer_idx"
        case reorderAndUpcastAttn = "reorder_and_upcast_attn"
        case nCtx = "n_ctx"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        nPositions = try c.decode(Int.self, forKey: .nPositions)
        nEmbd = try c.decode(Int.self, forKey: .nEmbd)
        nLayer = try c.decode(Int.self, forKey: .nLayer)
        nHead = try c.decode(Int.self, forKey: .nHead)
        nInner = try c.decodeIfPresent(Int.self, forKey: .nInner)
        layerNormEpsilon = try c.decodeIfPresent(Float.self, forKey: .layerNormEpsilon) ?? 1e-5
        bosTokenId = try c.decode(Int.self, forKey: .bosTokenId)
        eosTokenId = try c.decode(Int.self, forKey: .eosTokenId)
        activationFunction = try c.decodeIfPresent(String.self, forKey: .activationFunction) ?? "gelu_new"
        residPdrop = try c.decodeIfPresent(Float.self, forKey: .residPdrop) ?? 0.1
        embdPdrop = try c.decodeIfPresent(Float.self, forKey: .embdPdrop) ?? 0.1
        attnPdrop = try c.decodeIfPresent(Float.self, forKey: .attnPdrop) ?? 0.1
        initializerRange = try c.decodeIfPresent(Float.self, forKey: .initializerRange) ?? 0.02
        if let type = try c.decodeIfPresent(String.self, forKey: .modelType), type != "gpt2" {
            throw NeuralLMError(.invalidConfiguration, "model_type is \"\(type)\", expected \"gpt2\"")
        }
        if try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) == false {
            throw NeuralLMError(.invalidConfiguration, "tie_word_embeddings false is not supported")
        }
        if try c.decodeIfPresent(Bool.self, forKey: .scaleAttnWeights) == false {
            throw NeuralLMError(.invalidConfiguration, "scale_attn_weights false is not supported")
        }
        if try c.decodeIfPresent(Bool.self, forKey: .scaleAttnByInverseLayerIdx) == true {
            throw NeuralLMError(.invalidConfiguration, "scale_attn_by_inverse_layer_idx is not supported")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(nPositions, forKey: .nPositions)
        try c.encode(nPositions, forKey: .nCtx)
        try c.encode(nEmbd, forKey: .nEmbd)
        try c.encode(nLayer, forKey: .nLayer)
        try c.encode(nHead, forKey: .nHead)
        try c.encode(nInner, forKey: .nInner)
        try c.encode(layerNormEpsilon, forKey: .layerNormEpsilon)
        try c.encode(bosTokenId, forKey: .bosTokenId)
        try c.encode(eosTokenId, forKey: .eosTokenId)
        try c.encode(activationFunction, forKey: .activationFunction)
        try c.encode(residPdrop, forKey: .residPdrop)
        try c.encode(embdPdrop, forKey: .embdPdrop)
        try c.encode(attnPdrop, forKey: .attnPdrop)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encode("gpt2", forKey: .modelType)
        try c.encode(["GPT2LMHeadModel"], forKey: .architectures)
        try c.encode(true, forKey: .tieWordEmbeddings)
        try c.encode(true, forKey: .scaleAttnWeights)
        try c.encode(false, forKey: .scaleAttnByInverseLayerIdx)
        try c.encode(false, forKey: .reorderAndUpcastAttn)
    }

    /// Rejects configurations the engine cannot run, with the offending field named.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw NeuralLMError(.invalidConfiguration, message) }
        }
        try require(vocabSize > 0, "vocab_size must be positive, got \(vocabSize)")
        try require(nPositions > 0, "n_positions must be positive, got \(nPositions)")
        try require(nEmbd > 0, "n_embd must be positive, got \(nEmbd)")
        try require(nLayer > 0, "n_layer must be positive, got \(nLayer)")
        try require(nHead > 0, "n_head must be positive, got \(nHead)")
        try require(nEmbd % nHead == 0, "n_embd \(nEmbd) is not divisible by n_head \(nHead)")
        try require(innerSize > 0, "n_inner must be positive, got \(innerSize)")
        try require(layerNormEpsilon > 0, "layer_norm_epsilon must be positive")
        try require((0..<vocabSize).contains(bosTokenId), "bos_token_id \(bosTokenId) outside vocabulary")
        try require((0..<vocabSize).contains(eosTokenId), "eos_token_id \(eosTokenId) outside vocabulary")
        try require(
            ["gelu_new", "gelu_pytorch_tanh"].contains(activationFunction),
            "activation_function \"\(activationFunction)\" is not supported (gelu_new only)")
        for (name, p) in [("resid_pdrop", residPdrop), ("embd_pdrop", embdPdrop), ("attn_pdrop", attnPdrop)] {
            try require(p >= 0 && p < 1, "\(name) must be in [0, 1), got \(p)")
        }
    }
}
