namespace Lantern.Vetting.Rules.Keras;

/// <summary>
/// Class names Keras 2/3 and tf.keras ship (keras-team/keras <c>src/layers</c>, <c>initializers</c>, <c>regularizers</c>,
/// <c>constraints</c>, <c>optimizers</c>, <c>losses</c>, <c>metrics</c>, <c>dtype_policies</c>). Keras 2 configs (HDF5
/// <c>model_config</c>) carry no <c>module</c>, so a class outside this set is a custom object that needs code from
/// outside the file. Lambda-family names are here so that their own rules, not this list, judge them.
/// </summary>
internal static class KerasBuiltins
{
    public static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "AUC", "Accuracy", "Activation", "ActivityRegularization", "Adadelta", "Adafactor", "Adagrad", "Adam",
        "AdamW", "Adamax", "Add", "AdditiveAttention", "AlphaDropout", "Attention", "Average", "AveragePooling1D",
        "AveragePooling2D", "AveragePooling3D", "AvgPool1D", "AvgPool2D", "AvgPool3D", "BatchNormalization", "Bidirectional", "BinaryAccuracy",
        "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalAccuracy", "CategoricalCrossentropy", "CategoricalFocalCrossentropy", "CategoricalHinge", "CategoryEncoding", "CenterCrop",
        "Concatenate", "Constant", "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose",
        "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "Convolution1D", "Convolution2D", "Convolution2DTranspose", "Convolution3D", "Convolution3DTranspose",
        "CosineDecay", "CosineDecayRestarts", "CosineSimilarity", "Cropping1D", "Cropping2D", "Cropping3D", "CuDNNGRU", "CuDNNLSTM",
        "DTypePolicy", "Dense", "DepthwiseConv1D", "DepthwiseConv2D", "Discretization", "Dot", "Dropout", "ELU",
        "EinsumDense", "Embedding", "ExponentialDecay", "F1Score", "FBetaScore", "Flatten", "FloatDTypePolicy", "Ftrl",
        "Functional", "GRU", "GRUCell", "GaussianDropout", "GaussianNoise", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
        "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
        "GlobalMaxPooling3D", "GlorotNormal", "GlorotUniform", "GroupNormalization", "GroupQueryAttention", "HashedCrossing", "Hashing", "HeNormal",
        "HeUniform", "Hinge", "Huber", "Identity", "IdentityInitializer", "Input", "InputLayer", "InputSpec",
        "IntegerLookup", "InverseTimeDecay", "KLDivergence", "KerasTensor", "L1", "L1L2", "L2", "LSTM",
        "LSTMCell", "LayerNormalization", "LeakyReLU", "LecunNormal", "LecunUniform", "Lion", "LogCosh", "LossFunctionWrapper",
        "LossScaleOptimizer", "Masking", "MaxNorm", "MaxPool1D", "MaxPool2D", "MaxPool3D", "MaxPooling1D", "MaxPooling2D",
        "MaxPooling3D", "Maximum", "Mean", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanIoU", "MeanMetricWrapper", "MeanSquaredError",
        "MeanSquaredLogarithmicError", "MinMaxNorm", "Minimum", "Model", "MultiHeadAttention", "Multiply", "Nadam", "NonNeg",
        "Normalization", "Ones", "Orthogonal", "OrthogonalRegularizer", "PReLU", "Permute", "PiecewiseConstantDecay", "Poisson",
        "Policy", "PolynomialDecay", "Precision", "QuantizedDTypePolicy", "RMSNormalization", "RMSprop", "RNN", "RadialConstraint",
        "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomHeight", "RandomNormal", "RandomRotation", "RandomTranslation",
        "RandomUniform", "RandomWidth", "RandomZoom", "ReLU", "Recall", "RepeatVector", "Rescaling", "Reshape",
        "Resizing", "RootMeanSquaredError", "SGD", "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D", "Sequential",
        "SimpleRNN", "SimpleRNNCell", "SlicingOpLambda", "Softmax", "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy", "SparseTopKCategoricalAccuracy", "SpatialDropout1D",
        "SpatialDropout2D", "SpatialDropout3D", "SpectralNormalization", "SquaredHinge", "StackedRNNCells", "StringLookup", "Subtract", "Sum",
        "SyncBatchNormalization", "TFOpLambda", "TextVectorization", "ThresholdedReLU", "TimeDistributed", "TopKCategoricalAccuracy", "TruncatedNormal", "UnitNorm",
        "UnitNormalization", "UpSampling1D", "UpSampling2D", "UpSampling3D", "VarianceScaling", "Wrapper", "ZeroPadding1D", "ZeroPadding2D",
        "ZeroPadding3D", "Zeros", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "ones", "zeros",
    };
}
