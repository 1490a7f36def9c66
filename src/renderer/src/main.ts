import { mount } from 'svelte';
import App from './App.svelte';
import { connectBackend } from './apiClient';

mount(App, { target: document.getElementById('app')!, props: { backend: connectBackend() } });
