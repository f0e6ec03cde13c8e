from _common import KUST


def define(case, d):
    values = ["0b1010", "1_000", "190:20:30", "0x_1F", "0o17", "017", "09", "1e+3", "1E3", "1.e3", ".5", "+.5", "-.5",
              "0.1e-2", "6.8523015e+5", "685.230_15e+03", "+685_230", "02472256", "0x_0A_74_AE",
              "0b1010_0111_0100_1010_1110", "-0", "+0", "0.", "1.", "1.0e1", "NaN", "Inf", "0x", "0b", "1__0",
              "_1", "1e", "e1", "1.2.3", "0xG1", "08", "0o8"]
    body = "".join(f"  v{i:02d}: {v}\n" for i, v in enumerate(values))
    case("format-unquoted-number-resolution-matrix", {
        KUST: "resources:\n- r.yaml\n",
        "r.yaml": "apiVersion: example.com/v1\nkind: Numbers\nmetadata:\n  name: resolution\nspec:\n" + body,
    })
    case("error-unquoted-nan-value", {
        KUST: "resources:\n- r.yaml\n",
        "r.yaml": "apiVersion: example.com/v1\nkind: Numbers\nmetadata:\n  name: not-a-number\nspec:\n  ratio: .nan\n",
    }, error="not-a-number")
