"""Tiny random models built from in-code configs after ``torch.manual_seed(0)``, saved to a
folder and loadable with the real ``from_pretrained`` — no downloads (as diffusers' tests do).

Each ``save_tiny_*`` writes a complete model folder and returns its path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.neural.dummy_tokenizers import roberta_tokenizer, t5_tokenizer


def _t5_encoder(d_model: int, vocab_size: int) -> Any:
    from transformers import T5Config, T5EncoderModel

    config = T5Config(vocab_size=vocab_size, d_model=d_model, d_ff=32, d_kv=8, num_heads=2,
                      num_layers=1, relative_attention_num_buckets=8)
    return T5EncoderModel(config)


def save_tiny_wan(folder: Path) -> Path:
    """A 2-layer Wan 2.1 text-to-video pipeline (VAE z_dim 16, text dim 32)."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanPipeline,
        WanTransformer3DModel,
    )
    from transformers import UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    tokenizer = t5_tokenizer(max_length=32)
    text_encoder = UMT5EncoderModel(UMT5Config(
        vocab_size=len(tokenizer), d_model=32, d_ff=32, d_kv=8, num_heads=2, num_layers=1,
        relative_attention_num_buckets=8))
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=16,
        out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2,
        cross_attn_norm=True, qk_norm="rms_norm_across_heads", rope_max_seq_len=32)
    pipe = WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder, transformer=transformer,
                       vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0))
    pipe.save_pretrained(folder)
    return Path(folder)


def save_tiny_audioldm2(folder: Path) -> Path:
    """A tiny AudioLDM 2 (CLAP + T5 + GPT-2 + UNet + HiFi-GAN at 16 kHz, hop 160)."""
    import torch
    from diffusers import (
        AudioLDM2Pipeline,
        AudioLDM2ProjectionModel,
        AudioLDM2UNet2DConditionModel,
        AutoencoderKL,
        DDIMScheduler,
    )
    from transformers import (
        ClapAudioConfig,
        ClapConfig,
        ClapFeatureExtractor,
        ClapModel,
        ClapTextConfig,
        GPT2Config,
        GPT2LMHeadModel,
        SpeechT5HifiGan,
        SpeechT5HifiGanConfig,
    )

    tokenizer = roberta_tokenizer()
    tokenizer_2 = t5_tokenizer()
    torch.manual_seed(0)
    unet = AudioLDM2UNet2DConditionModel(
        block_out_channels=(8, 16), layers_per_block=1, norm_num_groups=8, sample_size=32,
        in_channels=4, out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=(8, 16))
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False)
    torch.manual_seed(0)
    vae = AutoencoderKL(block_out_channels=[8, 16], in_channels=1, out_channels=1,
                        norm_num_groups=8, latent_channels=4,
                        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
                        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"])
    torch.manual_seed(0)
    text_config = ClapTextConfig(
        bos_token_id=0, eos_token_id=2, pad_token_id=1, hidden_size=8, intermediate_size=37,
        layer_norm_eps=1e-05, num_attention_heads=1, num_hidden_layers=1,
        vocab_size=len(tokenizer), projection_dim=8, max_position_embeddings=80)
    # CLAP's audio hidden_size must equal patch_embeds_hidden_size * 2 ** (stages - 1).
    audio_config = ClapAudioConfig(
        spec_size=8, window_size=4, num_mel_bins=8, intermediate_size=37, layer_norm_eps=1e-05,
        depths=[1, 1], num_attention_heads=[1, 1], num_hidden_layers=1, hidden_size=16,
        patch_embeds_hidden_size=8, projection_dim=8, patch_size=2, patch_stride=2,
        patch_embed_input_channels=4)
    text_encoder = ClapModel(ClapConfig(text_config=text_config.to_dict(),
                                        audio_config=audio_config.to_dict(), projection_dim=16))
    feature_extractor = ClapFeatureExtractor(feature_size=8, sampling_rate=16_000,
                                             hop_length=7900)
    torch.manual_seed(0)
    text_encoder_2 = _t5_encoder(32, len(tokenizer_2))
    torch.manual_seed(0)
    language_model = GPT2LMHeadModel(GPT2Config(n_embd=16, n_head=1, n_layer=1,
                                                vocab_size=1000, n_ctx=99, n_positions=99))
    language_model.config.max_new_tokens = 8
    torch.manual_seed(0)
    projection_model = AudioLDM2ProjectionModel(text_encoder_dim=16, text_encoder_1_dim=32,
                                                langauge_model_dim=16)
    torch.manual_seed(0)
    vocoder = SpeechT5HifiGan(SpeechT5HifiGanConfig(
        model_in_dim=8, sampling_rate=16_000, upsample_initial_channel=32,
        upsample_rates=[5, 4, 2, 2, 2], upsample_kernel_sizes=[10, 8, 4, 4, 4],
        resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3]], normalize_before=False))
    pipe = AudioLDM2Pipeline(
        vae=vae, text_encoder=text_encoder, text_encoder_2=text_encoder_2,
        projection_model=projection_model, language_model=language_model,
        tokenizer=tokenizer, tokenizer_2=tokenizer_2, feature_extractor=feature_extractor,
        unet=unet, scheduler=scheduler, vocoder=vocoder)
    pipe.save_pretrained(folder)
    return Path(folder)


def save_tiny_stable_audio(folder: Path) -> Path:
    """A tiny Stable Audio Open (Oobleck VAE at 16 kHz, hop 256, max 1.024 s per call)."""
    import torch
    from diffusers import (
        AutoencoderOobleck,
        CosineDPMSolverMultistepScheduler,
        StableAudioDiTModel,
        StableAudioPipeline,
        StableAudioProjectionModel,
    )

    tokenizer = t5_tokenizer(max_length=32)
    torch.manual_seed(0)
    transformer = StableAudioDiTModel(
        sample_size=64, in_channels=3, num_layers=2, attention_head_dim=4,
        num_key_value_attention_heads=2, out_channels=3, cross_attention_dim=4,
        time_proj_dim=8, global_states_input_dim=8, cross_attention_input_dim=4)
    scheduler = CosineDPMSolverMultistepScheduler(
        solver_order=2, prediction_type="v_prediction", sigma_data=1.0,
        sigma_schedule="exponential")
    torch.manual_seed(0)
    vae = AutoencoderOobleck(encoder_hidden_size=6, downsampling_ratios=[2, 4, 4, 8],
                             decoder_channels=3, decoder_input_channels=3, audio_channels=2,
                             channel_multiples=[1, 2, 2, 2], sampling_rate=16_000)
    torch.manual_seed(0)
    text_encoder = _t5_encoder(16, len(tokenizer))
    torch.manual_seed(0)
    projection_model = StableAudioProjectionModel(text_encoder_dim=16, conditioning_dim=4,
                                                  min_value=0, max_value=32)
    pipe = StableAudioPipeline(vae=vae, text_encoder=text_encoder,
                               projection_model=projection_model, tokenizer=tokenizer,
                               transformer=transformer, scheduler=scheduler)
    pipe.save_pretrained(folder)
    return Path(folder)
