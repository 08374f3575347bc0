"""The MLP layer stacks that several recipes share, declared once.

Each is the keyword arguments of `gankit.models.mlp` (hidden sizes, activation, LayerNorm or not).
"""

# ch. 2 and ch. 7's first GAN: Linear → Sigmoid → Linear, 200 hidden units
SIGMOID_200 = {"hidden": [200], "activation": "sigmoid", "norm": False}
# ch. 3 and ch. 7 improved: Linear → LeakyReLU(0.02) → LayerNorm(200) → Linear
LEAKY_LN_200 = {"hidden": [200], "activation": "leaky-relu", "slope": 0.02, "norm": True}
# ch. 8 faces: the same with 300 units in G and 100 in D
LEAKY_LN_300 = {**LEAKY_LN_200, "hidden": [300]}
LEAKY_LN_100 = {**LEAKY_LN_200, "hidden": [100]}
